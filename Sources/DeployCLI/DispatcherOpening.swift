import DeployBuild
import DeployCore
import Logging

/// Says, once, where patched code is verified (the sandbox found, or that there is none: never silently), then takes
/// the root's lock for `command`. The sandbox is looked for first, so that the lock (which `status` reports as a
/// running loop) is taken right before the command starts its work and its signal handling. A held lock is exit
/// status 3; `DISPATCHER_SANDBOX=bwrap` without bubblewrap is 2. The dispatcher gets the context's fault-injection
/// plan.
func openDispatcher(_ context: CommandContext, command: String) async throws -> Dispatcher {
    var sandbox: SandboxLocator.Availability?
    if context.configuration.verifyFeedback {
        do {
            sandbox = try Dispatcher.locateVerificationSandbox(context.configuration)
        } catch {
            throw CommandFailure(message: error.description, exitStatus: ExitStatus.usage)
        }
        switch sandbox {
        case .available(let tool):
            let network = context.configuration.verifyNetwork ? "allowed" : "off (DISPATCHER_VERIFY_NETWORK=0)"
            context.logger.info("verification sandbox: \(tool); network \(network)", source: CommandContext.logSource)
        case .unavailable(let reason):
            context.logger.warning("no verification sandbox: \(reason)", source: CommandContext.logSource)
        case nil: break
        }
    }
    do {
        return try Dispatcher.open(
            root: context.root, configuration: context.configuration, command: command, logger: context.logger,
            verificationSandbox: sandbox, faults: context.faults)
    } catch {
        throw CommandFailure(error)
    }
}
