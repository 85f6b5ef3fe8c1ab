import ArgumentParser
import DeployCore
import Foundation

extension Deployctl {
    struct ApplyFeedback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply-feedback",
            abstract: "Process pending feedback files now (or the named ones).",
            discussion: """
                Each file ends in feedback/applied/ with a result record, or in feedback/rejected/ with the reason \
                (a file interrupted by an environment failure stays claimed and is resumed next time). By default \
                the patched tree is built and tested in an isolated worktree before anything is committed \
                (DISPATCHER_VERIFY_FEEDBACK=0 turns that off for trusted sources). --dry-run validates each file and \
                checks that its patch applies, and changes nothing. Exit status: 0 when every file was applied (or \
                would apply), 1 when one was rejected (or would be), 2 for usage errors, 3 when one was deferred.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Validate and check that the patches apply; change nothing.")
        var dryRun = false

        @Flag(help: "Print one JSON record per file.")
        var json = false

        @Argument(help: "Feedback files (default: every pending file in feedback/, by name).")
        var files: [String] = []

        func validate() throws {
            for file in files where !FileManager.default.fileExists(atPath: file) {
                throw ValidationError("no such feedback file '\(file)'")
            }
        }

        func run() async throws {
            let context = try CommandContext(options: options)
            let dispatcher = try openDispatcher(context, command: "deployctl apply-feedback")
            let urls = files.isEmpty ? nil : files.map { URL(fileURLWithPath: $0).standardizedFileURL }
            let records = try await dispatcher.processFeedback(files: urls, dryRun: dryRun)
            if json {
                print(try JSONOutput.encode(records))
            } else if records.isEmpty {
                FileHandle.standardError.write(Data("no pending feedback in \(context.root.feedback.path)\n".utf8))
            }
            for record in records where !json {
                print("\(record.file): \(record.outcome)\(record.detail.isEmpty ? "" : " — \(record.detail)")")
            }
            if records.contains(where: { $0.outcome == "rejected" || $0.outcome == "wouldReject" }) {
                throw ExitCode(ExitStatus.buildFailed)
            }
            if records.contains(where: { $0.outcome == "deferred" }) { throw ExitCode(ExitStatus.infrastructure) }
        }
    }
}
