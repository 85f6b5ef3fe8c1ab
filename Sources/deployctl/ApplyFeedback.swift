import ArgumentParser
import DeployCore
import Foundation

extension Deployctl {
    struct ApplyFeedback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply-feedback",
            abstract: "Process pending feedback files now (or the named ones).",
            discussion: """
                Each file ends in feedback/applied/ with a result record, or in feedback/rejected/ with the reason. \
                --dry-run validates each file and checks that its patch applies, and changes nothing.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Validate and check that the patches apply; change nothing.")
        var dryRun = false

        @Argument(help: "Feedback files (default: every pending file in feedback/, by name).")
        var files: [String] = []

        func run() async throws {
            throw CommandFailure(message: "apply-feedback: not available in this build", exitStatus: ExitStatus.usage)
        }
    }
}
