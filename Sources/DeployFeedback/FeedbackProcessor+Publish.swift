import DeployBuild
import DeployGit
import Foundation
import Logging

extension FeedbackProcessor {
    /// Publishes the worktree commit, then fast-forwards the checkout when the push went to its branch.
    func publish(
        _ validated: Validated, git: GitRepository, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal
    ) async throws(StageFailure) {
        guard let publisher, let commit = journal.commit.flatMap(ObjectID.init(hex:)),
            let parent = journal.headBefore.flatMap(ObjectID.init(hex:))
        else {
            throw StageFailure(.journal, FeedbackError(.journal, "the journal of \(claim.name) lacks the commit"))
        }
        let clock = ContinuousClock.now
        let request = FeedbackPublishRequest(
            repository: validated.repository, git: git, commit: commit, parent: parent, branch: validated.branch,
            feedbackID: validated.document.id,
            title: String(commitMessage(validated, file: claim.name).prefix { $0 != "\n" }),
            description: validated.document.description, verification: journal.verification)
        let publication: FeedbackPublication
        do { publication = try await publisher.publish(request) } catch {
            if error.code == .publishRejected {
                // The branch moved on the remote: start again from the new tip (``applyRetryingRaces``).
                journal.phase = .claimed
                journal.commit = nil
                try? inbox.save(journal, for: claim)
            }
            throw StageFailure(.publish, error)
        }
        // The staging branch only kept the commit alive until it was published.
        _ = try? git.deleteBranch(DirectPushPublisher.stagingBranch)
        journal.publication = publication
        journal.timings.stages[.publish] = clock.duration(to: .now).seconds
        if publication.updatesBranch {
            let remoteBranch = "\(validated.repository.remote)/\(validated.branch)"
            switch try? git.fastForward(branch: validated.branch, to: remoteBranch) {
            case .fastForwarded(_, let to)?: journal.checkoutNote = "fast-forwarded to \(to.hex)"
            case .upToDate(let at)?: journal.checkoutNote = "up to date at \(at.hex)"
            case .blocked(let reason)?: journal.checkoutNote = "not updated: \(reason)"
            case nil: journal.checkoutNote = "not updated: fast-forward failed"
            }
        }
        journal.phase = .published
        // Not written: resuming from `committed` pushes the same commit again, which changes nothing.
        try checkpoint(journal, claim, persist: false)
    }

    /// Runs the restart command once, when the file asked for it and one is configured (never for a repository whose
    /// revisions are rolled out: ``Options/rolledOutRepositories``).
    func restartIfAsked(_ validated: Validated, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal)
        async throws(StageFailure)
    {
        if validated.document.restart, options.rolledOutRepositories.contains(validated.repository.name) {
            logger.info(
                "restart left to the rollout: \(validated.repository.name) deploys each green revision",
                metadata: ["deploy.repo": "\(validated.repository.name)"])
            return
        }
        guard validated.document.restart, !journal.restartStarted, let restartRunner,
            let command = RestartCommand.resolve(
                commandsDirectory: commandsDirectory, repository: validated.repository.name)
        else { return }
        journal.restartStarted = true
        try save(journal, claim)
        var facts = [
            "DEPLOYCTL_REPOSITORY": validated.repository.name, "DEPLOYCTL_BRANCH": validated.branch,
            "DEPLOYCTL_FEEDBACK_ID": validated.document.id,
        ]
        facts["DEPLOYCTL_REVISION"] = journal.commit
        facts["DEPLOYCTL_PREVIOUS_REVISION"] = journal.headBefore
        let outcome = await restartRunner.run(
            command, in: commandsDirectory.deletingLastPathComponent(), timeout: options.restartTimeout, facts: facts)
        journal.restart = outcome
        journal.timings.stages[.restart] = outcome.seconds
        try save(journal, claim)
    }
}
