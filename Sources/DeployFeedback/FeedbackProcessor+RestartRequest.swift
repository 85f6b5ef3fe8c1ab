import DeployGit
import Foundation
import Logging

/// Restart requests: feedback files without `patch` (the seed accepted them), which run the target repository's
/// restart command and change nothing.
///
/// A restart request is validated like any file (reading, `repo`, `branch`) but has no patch to check, verify, commit
/// or publish, and no duplicate check (asking twice restarts twice). It ends in `feedback/applied/` with a result
/// record of kind `restart` (the branch tip it restarted as `commit`, the restart's outcome, no paths, no
/// publication) and is not entered in the ledger of applied ids. The journal records that the restart started before
/// it starts, so a run killed meanwhile never runs it again: the next run records it as interrupted.
extension FeedbackProcessor {
    /// The file's document when the file is a restart request; nil for a patch or a file that cannot be read (which
    /// the ordinary path rejects with its reason).
    func restartRequest(in file: URL) -> FeedbackDocument? {
        guard let document = try? FeedbackDocument.load(contentsOf: file, maxBytes: options.maxFileBytes),
            document.kind == .restartRequest
        else { return nil }
        return document
    }

    /// Runs a claimed restart request's restart command and records it in `applied/`.
    func processRestartRequest(
        _ document: FeedbackDocument, claim: FeedbackInbox.Claim, journal: FeedbackJournal
    ) async -> FeedbackOutcome {
        var journal = journal
        do throws(StageFailure) {
            let (repository, command, runner) = try validateRestartRequest(document)
            journal.id = document.id
            journal.repository = repository.name
            journal.branch = repository.branch
            let git = try open(repository)
            let tip = try gitStep(.restart) { () throws(GitError) in try git.head() }.commit?.hex ?? ""
            let outcome: RestartOutcome
            if journal.restartStarted {
                outcome =
                    journal.restart
                    ?? RestartOutcome(
                        command: command.displayPath, exitStatus: nil, seconds: 0,
                        failure: "interrupted: the dispatcher stopped while it ran; not run again")
            } else {
                journal.restartStarted = true
                try save(journal, claim)
                let facts = [
                    "DEPLOYCTL_REPOSITORY": repository.name, "DEPLOYCTL_BRANCH": repository.branch,
                    "DEPLOYCTL_FEEDBACK_ID": document.id, "DEPLOYCTL_REVISION": tip,
                ]
                outcome = await runner.run(
                    command, in: commandsDirectory.deletingLastPathComponent(), timeout: options.restartTimeout,
                    facts: facts)
                journal.restart = outcome
                journal.timings.stages[.restart] = outcome.seconds
                try save(journal, claim)
            }
            var timings = journal.timings
            timings.finishedAt = Date()
            let record = FeedbackResultRecord(
                file: claim.name, id: document.id, repository: repository.name, branch: repository.branch,
                commit: tip, parent: tip, base: nil, threeWay: false, paths: [], verification: .skipped,
                publication: .none, restart: outcome, checkout: nil, timings: timings,
                description: document.description, metadata: document.metadata,
                unknownFields: document.unknownFields, kind: .restartRequest)
            let destination: URL
            do { destination = try inbox.finish(claim, journal: &journal, outcome: .applied(record)) } catch {
                throw StageFailure(.finish, error)
            }
            logger.notice(
                "restart request done: \(outcome.failureSummary ?? "\(outcome.command) succeeded")",
                metadata: ["deploy.feedback.file": "\(claim.name)", "deploy.repo": "\(repository.name)"])
            return .applied(record, file: destination)
        } catch {
            return conclude(claim, journal: &journal, failure: error, document: document)
        }
    }

    /// `--dry-run` of a restart request: the checks of ``validateRestartRequest(_:)``, nothing run.
    func checkRestartRequest(_ document: FeedbackDocument, file: URL) -> FeedbackCheck {
        var result = FeedbackCheck(
            file: file.lastPathComponent, id: document.id, repository: document.repository, paths: [], error: nil,
            needsThreeWay: false)
        do throws(StageFailure) { _ = try validateRestartRequest(document) } catch { result.error = error.error }
        return result
    }

    /// The target repository (`repo` may be left out only where the root has one), its restart command and the
    /// runner that runs it.
    func validateRestartRequest(_ document: FeedbackDocument) throws(StageFailure) -> (
        FeedbackRepository, RestartCommand, any RestartRunner
    ) {
        let (repository, _) = try target(of: document)
        guard let runner = restartRunner,
            let command = RestartCommand.resolve(commandsDirectory: commandsDirectory, repository: repository.name)
        else {
            throw StageFailure(
                .validate,
                FeedbackError(
                    .noRestartCommand,
                    "the file has no 'patch', so it asks for a restart of \(repository.name), but neither "
                        + "commands/restart-\(repository.name).sh nor commands/restart-services.sh exists",
                    field: "patch"))
        }
        return (repository, command, runner)
    }
}
