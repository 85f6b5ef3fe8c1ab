import DeployBuild
import DeployCore
import Logging

/// Takes the root's lock for `command` and says, once, where patched code is verified: the sandbox found, or that
/// there is none (never silently). A held lock is exit status 3; `DISPATCHER_SANDBOX=bwrap` without bubblewrap is 2.
func openDispatcher(_ context: CommandContext, command: String) async throws -> Dispatcher {
    let dispatcher: Dispatcher
    do {
        dispatcher = try Dispatcher(
            root: context.root, configuration: context.configuration, command: command, logger: context.logger)
    } catch let error as DispatcherLock.HeldError {
        throw CommandFailure(message: error.description, exitStatus: ExitStatus.infrastructure)
    }
    // Said once at start-up: where patched code is verified, or that it is not confined (never silently).
    if context.configuration.verifyFeedback {
        do {
            switch try await dispatcher.verificationSandbox().availability {
            case .available(let tool):
                let network = context.configuration.verifyNetwork ? "allowed" : "off (DISPATCHER_VERIFY_NETWORK=0)"
                context.logger.info("verification sandbox: \(tool); network \(network)")
            case .unavailable(let reason):
                context.logger.warning("no verification sandbox: \(reason)")
            }
        } catch {
            throw CommandFailure(message: error.description, exitStatus: ExitStatus.usage)
        }
    }
    return dispatcher
}
