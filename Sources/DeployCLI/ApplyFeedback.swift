import ArgumentParser
import DeployBuild
import DeployCore
import Foundation

extension Deployctl {
    struct ApplyFeedback: DispatcherCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply-feedback",
            abstract: "Process pending feedback files now (or the named ones).",
            discussion: """
                Each file ends in feedback/applied/ with a result record, or in feedback/rejected/ with the reason \
                (a file interrupted by an environment failure stays claimed and is resumed next time). By default \
                the patched tree is built and tested in an isolated worktree before anything is committed \
                (DISPATCHER_VERIFY_FEEDBACK=0 turns that off for trusted sources). --dry-run validates each file and \
                checks that its patch applies, and changes nothing. Exit status: 0 when every file was applied (or \
                would apply), 1 when one was rejected (or would be), 2 for usage errors, 3 when one was deferred \
                or its restart command failed (exit status, signal, timeout, or it could not start).

                --propose REPO asks the chat-completions endpoint (OPENAI_API_KEY, OPENAI_API_BASE, OPENAI_MODEL) \
                for fixes of REPO's last recorded red build now: up to DISPATCHER_PROPOSE_ATTEMPTS attempts, each \
                written as feedback/proposed-REPO-COMMIT-N.json and verified like any feedback file (see \
                docs/proposals.md). Exit status: 0 when a fix was published or there is nothing to fix, 1 when no \
                proposal was applied, 2 without a key, 3 when the endpoint could not be used.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Validate and check that the patches apply; change nothing.")
        var dryRun = false

        @Flag(help: "Print one JSON record per file.")
        var json = false

        @Option(name: .customLong("propose"), help: "Ask the model for fixes of this repository's last red build now.")
        var propose: String?

        @Argument(help: "Feedback files (default: every pending file in feedback/, by name).")
        var files: [String] = []

        func validate() throws {
            if let propose {
                guard files.isEmpty, !dryRun else {
                    throw ValidationError("--propose takes no feedback files and no --dry-run")
                }
                guard RepositoryName.isValid(propose) else {
                    throw ValidationError(
                        "--propose: '\(propose)' is not a repository name (\(RepositoryName.accepted))")
                }
            }
            for file in files where !FileManager.default.fileExists(atPath: file) {
                throw ValidationError("no such feedback file '\(file)'")
            }
        }

        func run(faults: FaultInjection) async throws {
            let context = try CommandContext(options: options, faults: faults)
            let dispatcher = try await openDispatcher(context, command: "deployctl apply-feedback")
            if let propose {
                try await runProposals(try RepositoryName(propose), dispatcher: dispatcher)
                return
            }
            let urls = files.isEmpty ? nil : files.map { URL(fileURLWithPath: $0).standardizedFileURL }
            let records: [FeedbackEventRecord]
            do { records = try await dispatcher.processFeedback(files: urls, dryRun: dryRun) } catch {
                throw CommandFailure(error)
            }
            if json {
                print(try JSONOutput.encode(records))
            } else if records.isEmpty {
                StandardError.write("no pending feedback in \(context.root.feedback.path)\n")
            }
            for record in records where !json {
                print(ReportPrinter.feedbackLine(record, prefix: ""))
            }
            let status = ApplyFeedbackExitPolicy.exitStatus(for: records)
            if status != ExitStatus.success { throw ExitCode(status) }
        }

        /// `--propose REPO`: the attempts, one line each (or one JSON object with `--json`), and the exit status.
        private func runProposals(_ repository: RepositoryName, dispatcher: Dispatcher) async throws {
            let run: ProposalRun
            do { run = try await dispatcher.proposeFix(for: repository) } catch { throw CommandFailure(error) }
            if json {
                print(try JSONOutput.encode(run))
            } else {
                for attempt in run.attempts {
                    let name = attempt.file ?? "attempt \(attempt.attempt)"
                    print("\(name): \(attempt.outcome.rawValue) — \(attempt.detail)")
                }
                print(run.summary)
            }
            let status = ApplyFeedbackExitPolicy.exitStatus(for: run)
            if status != ExitStatus.success { throw ExitCode(status) }
        }
    }
}
