import DeployBuild
import DeployGit
import Foundation
import Logging

extension FeedbackProcessor {
    /// Verifies, commits, publishes and restarts a validated file.
    func apply(_ validated: Validated, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal)
        async throws(StageFailure)
        -> FeedbackOutcome
    {
        let git = try open(validated.repository)
        let tip = try checkoutTip(git, validated)
        try ensureClean(
            git,
            paths: validated.summary.paths + [options.changelogPath.map(validated.repository.repositoryPath)].compactMap { $0 })
        let plan = try addingChangelogEntry(
            to: try plan(validated, git: git, tip: tip), validated, file: claim.name, git: git, tip: tip)
        journal.threeWay = plan.threeWay
        journal.paths = plan.paths
        journal.headBefore = tip.hex
        journal.change = plan.diff

        if options.verify || publisher != nil {
            // Apply, build and test, and commit in a throwaway worktree at the tip.
            let clock = ContinuousClock.now
            let (worktree, directory) = try makeWorktree(
                git, repository: validated.repository, at: tip, name: "deployctl-feedback", keepingBuild: true)
            defer {
                removeWorktree(
                    git, name: "deployctl-feedback", directory: directory, keepingBuild: true,
                    repository: validated.repository)
            }
            try apply(plan.diff, to: worktree, at: directory, .workTreeAndIndex)
            options.faults.reach(.patchApplied)
            if options.verify {
                guard let verifier else {
                    throw StageFailure(
                        .verify, FeedbackError(.build, "verification is on but no verifier is configured"))
                }
                let result: FeedbackVerifier.Result
                do {
                    result = try await verifier.verify(
                        directory: validated.repository.enclosing.map { directory.appendingPathComponent($0.path) }
                            ?? directory,
                        workTree: directory, repository: validated.repository.name,
                        feedbackID: validated.document.id)
                } catch { throw StageFailure(.verify, error) }
                journal.verification = result.verification
                journal.timings.stages[.verify] = clock.duration(to: .now).seconds
                guard result.green else {
                    throw StageFailure(
                        .verify, FeedbackError(.verificationFailed, result.summary, paths: plan.paths),
                        verification: result.verification, logExcerpt: result.logExcerpt)
                }
            } else {
                journal.verification = .skipped
            }
            // Written once the change is verified, and kept in the journal so a resumed run commits the same text.
            let message = await composeCommitMessage(validated, file: claim.name, diff: plan.diff)
            journal.commitMessage = message
            let commit = try gitStep(.commit) { () throws(GitError) in
                try worktree.commit(paths: plan.paths, message: message, author: author)
            }
            options.faults.reach(.patchCommitted)
            journal.expectedTree = try gitStep(.commit) { () throws(GitError) in try git.treeID(of: commit).hex }
            if publisher != nil {
                // Keep the commit referenced before recording it, so that it survives until it is published.
                try gitStep(.commit) { () throws(GitError) in
                    try git.createBranch(DirectPushPublisher.stagingBranch, at: commit, force: true)
                }
                journal.commit = commit.hex
                journal.publishes = true
                journal.phase = .committed
                try save(journal, claim)
                return try await continueAfterApply(validated, claim: claim, journal: &journal)
            }
        } else {
            journal.verification = .skipped
        }
        if journal.commitMessage == nil {
            journal.commitMessage = await composeCommitMessage(validated, file: claim.name, diff: plan.diff)
        }
        journal.phase = .applying
        try save(journal, claim)
        return try await continueAfterApply(validated, claim: claim, journal: &journal, pathsCheckedClean: true)
    }

    /// ``apply(_:claim:journal:)``, and when the remote refuses the publish because its branch moved meanwhile:
    /// catch up with the remote, then apply, verify and publish again on the new tip, at most
    /// ``FeedbackPublisher/raceRetries`` times; after that the file is rejected with the remote's reason.
    /// - Parameter refused: refusals already met for this file in this run.
    func applyRetryingRaces(
        _ validated: Validated, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal, refused: Int = 0
    ) async throws(StageFailure) -> FeedbackOutcome {
        var refused = refused
        while true {
            if refused > 0 { try await catchUp(validated, refused: refused) }
            do { return try await apply(validated, claim: claim, journal: &journal) } catch {
                guard error.error.code == .publishRejected else { throw error }
                refused += 1
            }
        }
    }

    /// After the `refused`-th refusal: rejects the file when the retries are used up, else brings the checkout to
    /// the remote's new tip.
    func catchUp(_ validated: Validated, refused: Int) async throws(StageFailure) {
        let retries = publisher?.raceRetries ?? 0
        guard let publisher, refused <= retries else {
            throw StageFailure(
                .publish,
                FeedbackError(
                    .publishRejected,
                    "the remote refused the push \(refused) time(s): \(validated.branch) moved on "
                        + "\(validated.repository.remote) each time (retried \(retries) time(s) on the new tip)"))
        }
        logger.info(
            "the remote branch moved; applying the feedback again on its new tip",
            metadata: ["deploy.repo": "\(validated.repository.name)", "deploy.feedback.refused": "\(refused)"])
        let git = try open(validated.repository)
        do { try await publisher.catchUp(validated.repository, git: git) } catch {
            throw StageFailure(.publish, error)
        }
        // Whoever pushed may have applied this very feedback (another dispatcher on the same remote).
        historyCache.forget(validated.repository.gitWorkTree.path)
        if let commit = try commitInHistory(validated.document.id, repository: validated.repository) {
            throw StageFailure(
                .publish,
                FeedbackError(
                    .duplicate,
                    "feedback id \(quoted(validated.document.id)) was applied meanwhile by someone else as commit "
                        + "\(commit.hex) on \(validated.repository.remote)/\(validated.branch)",
                    field: "id"))
        }
    }

    /// Continues from the `applying`, `committed` or `published` phase (also after a restart of the process).
    /// - Parameter pathsCheckedClean: this process found the patched paths clean right before journaling `applying`
    ///   (so no apply can have been interrupted); false when resuming.
    func continueAfterApply(
        _ validated: Validated, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal,
        pathsCheckedClean: Bool = false
    ) async throws(StageFailure) -> FeedbackOutcome {
        let git = try open(validated.repository)
        if journal.phase == .applying {
            try applyToCheckout(
                validated, git: git, claim: claim, journal: &journal, pathsCheckedClean: pathsCheckedClean)
        }
        if journal.phase == .committed {
            if journal.publishes {
                try await publish(validated, git: git, claim: claim, journal: &journal)
            } else {
                journal.publication = FeedbackPublication.none
                journal.phase = .published
                try checkpoint(journal, claim, persist: false)
            }
        }
        try await restartIfAsked(validated, claim: claim, journal: &journal)
        guard let commit = journal.commit, let parent = journal.headBefore, let id = journal.id else {
            throw StageFailure(.journal, FeedbackError(.journal, "the journal of \(claim.name) lacks the commit"))
        }
        var timings = journal.timings
        timings.finishedAt = Date()
        let record = FeedbackResultRecord(
            file: claim.name, id: id, repository: validated.repository.name, branch: validated.branch, commit: commit,
            parent: parent, base: validated.document.base, threeWay: journal.threeWay, paths: journal.paths,
            verification: journal.verification ?? .skipped, publication: journal.publication ?? .none,
            restart: journal.restart, checkout: journal.checkoutNote, timings: timings,
            description: validated.document.description, metadata: validated.document.metadata,
            unknownFields: validated.document.unknownFields)
        do {
            let destination = try inbox.finish(claim, journal: &journal, outcome: .applied(record))
            logger.notice(
                "feedback applied as \(commit.prefix(12))",
                metadata: ["deploy.feedback.file": "\(claim.name)", "deploy.repo": "\(validated.repository.name)"])
            return .applied(record, file: destination)
        } catch {
            throw StageFailure(.finish, error)
        }
    }
}
