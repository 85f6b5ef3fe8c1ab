import ArgumentParser
import DeployBuild
import DeployCore
import Foundation

/// The `deployctl` command tree, shared by the shipped `deployctl` executable and the test-only `deployctl-faults`.
///
/// Each executable's entry point is one call of ``main(faults:)``: `deployctl` passes the plan that injects nothing,
/// `deployctl-faults` one armed from its crash variable. The plan reaches the subcommands that open a dispatcher
/// through ``DispatcherCommand/run(faults:)``, and the libraries as a value from there.
public struct Deployctl: AsyncParsableCommand {
    /// The root command: its subcommands, version and exit statuses.
    public static let configuration = CommandConfiguration(
        commandName: "deployctl",
        abstract: "Keeps git repositories built, tested and patched in a loop.",
        discussion: """
            A deploy root holds repos/NAME (the managed repositories), feedback/ (patches to apply), \
            deploy/ (logs and the state store) and dispatcher.env (configuration). See docs/README.md.
            Exit status: 0 green, 1 a build or test failed, 2 usage or configuration error, 3 infrastructure failure.
            """,
        version: "0.1.0",
        subcommands: [
            RunOnce.self, Loop.self, Status.self, ApplyFeedback.self, Deploy.self, Rollback.self, MCP.self, Analyze.self,
        ]
    )

    /// The root command has no work of its own; parsing picks a subcommand.
    public init() {}

    /// Runs the command line without fault injection (what the shipped `deployctl` does).
    public static func main() async {
        await main(faults: FaultInjection())
    }

    /// Parses the command line and runs the chosen subcommand, then exits the process.
    ///
    /// Usage and configuration errors exit with status 2 (ArgumentParser's default is 64); an error worded for the
    /// user (``CommandFailure``) exits with its own status.
    /// - Parameter faults: the fault-injection plan handed to every subcommand that opens a dispatcher; only the
    ///   test-only `deployctl-faults` arms one.
    public static func main(faults: FaultInjection) async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if let dispatcherCommand = command as? any DispatcherCommand {
                try await dispatcherCommand.run(faults: faults)
            } else if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CommandFailure {
            StandardError.write("deployctl: \(error.message)\n")
            Foundation.exit(error.exitStatus)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                StandardError.write(fullMessage(for: error) + "\n")
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// The exit statuses of every subcommand.
enum ExitStatus {
    static let success: Int32 = 0
    static let buildFailed: Int32 = 1
    static let usage: Int32 = 2
    static let infrastructure: Int32 = 3
}

/// An error already worded for the user, with the exit status it maps to.
struct CommandFailure: Error {
    let message: String
    let exitStatus: Int32
}

extension CommandFailure {
    /// A library error as the command ends with it: a configuration problem is a usage error (2), a failure to run
    /// (the lock held, the state store, no toolchain, feedback not processed) an infrastructure failure (3).
    init(_ error: DispatcherError) {
        self.init(
            message: error.description,
            exitStatus: error.code.isConfiguration ? ExitStatus.usage : ExitStatus.infrastructure)
    }
}
