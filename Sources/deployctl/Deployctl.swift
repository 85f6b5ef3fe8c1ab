import ArgumentParser
import Foundation

@main
struct Deployctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployctl",
        abstract: "Keeps git repositories built, tested and patched in a loop.",
        discussion: """
            A deploy root holds repos/NAME (the managed repositories), feedback/ (patches to apply), \
            deploy/ (logs and the state store) and dispatcher.env (configuration). See docs/README.md.
            Exit status: 0 green, 1 a build or test failed, 2 usage or configuration error, 3 infrastructure failure.
            """,
        version: "0.1.0",
        subcommands: [RunOnce.self, Loop.self, Status.self, ApplyFeedback.self, Analyze.self]
    )

    /// Runs the command; usage and configuration errors exit with status 2 (ArgumentParser's default is 64).
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
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
