import Crypto
import DeployBuild
import DeployGit
import Foundation
import Logging

/// How the validated patch becomes a change of the branch tip.
struct ChangePlan: Sendable {
    /// The diff to apply at the tip: the feedback's patch, or the result of a three-way merge.
    var diff: String
    /// The paths to commit.
    var paths: [String]
    var threeWay: Bool
}

extension FeedbackProcessor {
    // MARK: Checking

    /// Checks that the patch applies to the branch tip (or three-way from `base`); returns whether three-way is
    /// needed. Used by `--dry-run`; changes nothing (a three-way check uses a throwaway worktree).
    func checkApplies(_ validated: Validated) throws(StageFailure) -> Bool {
        let git = try open(validated.repository)
        let tip = try checkoutTip(git, validated)
        return try plan(validated, git: git, tip: tip).threeWay
    }

    /// Makes the change plan: a check-only apply at the tip, else a three-way merge from `base`.
    func plan(_ validated: Validated, git: GitRepository, tip: ObjectID) throws(StageFailure) -> ChangePlan {
        let patch = validated.document.patch
        let failure: GitError
        do {
            let touched = try git.apply(diff: patch, to: .workTreeAndIndex, checkOnly: true)
            return ChangePlan(diff: patch, paths: commitPaths(validated.summary, touched), threeWay: false)
        } catch {
            failure = error
        }
        guard failure.code == .patchDoesNotApply else { throw Self.applyFailure(failure) }
        guard let baseText = validated.document.base else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .patchDoesNotApply,
                    "the patch does not apply to \(validated.branch) at \(tip.short): \(failure.message)",
                    field: "patch", paths: validated.summary.paths))
        }
        let base: ObjectID
        do { base = try git.resolve(baseText) } catch {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .patchDoesNotApply,
                    "the patch does not apply to \(validated.branch) at \(tip.short), and its base \(baseText) is not "
                        + "in the repository: \(error.message)",
                    field: "base"))
        }
        guard base != tip else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .patchDoesNotApply, "the patch does not apply to its base \(tip.short): \(failure.message)",
                    field: "patch", paths: validated.summary.paths))
        }
        return try threeWayPlan(validated, git: git, base: base, tip: tip)
    }

    /// The paths to commit: every path the diff touches, as read by us and by libgit2.
    func commitPaths(_ summary: PatchSummary, _ touched: [PatchedPath]) -> [String] {
        let fromGit = touched.flatMap { [$0.oldPath, $0.newPath].compactMap { $0 } }
        return Array(Set(summary.changedPaths + fromGit)).sorted()
    }

    static func applyFailure(_ error: GitError) -> StageFailure {
        switch error.code {
        case .patchDoesNotApply:
            StageFailure(.apply, FeedbackError(.patchDoesNotApply, error.message, field: "patch"))
        case .unsafePath:
            StageFailure(.apply, FeedbackError(.invalidPath, error.message, field: "patch"))
        case .invalidArgument:
            StageFailure(
                .apply,
                FeedbackError(.malformedPatch, "libgit2 cannot read the patch: \(error.message)", field: "patch"))
        default:
            StageFailure(.apply, FeedbackError(.git, error.description))
        }
    }

    // MARK: Git helpers

    /// Applies `diff` to the work tree at `directory` (the checkout or a throwaway worktree) after judging it there
    /// by the policy, on what git reads from it: nothing is written when a path would reach a symbolic link of that
    /// tree, `.git` or the deny-list, or the diff reads ambiguously (``PatchReader``).
    func apply(_ diff: String, to git: GitRepository, at directory: URL, _ location: ApplyLocation) throws(StageFailure)
    {
        do throws(FeedbackError) {
            try options.policy.check(PatchReader.read(diff), repository: directory)
        } catch {
            throw StageFailure(.apply, error)
        }
        do { try git.apply(diff: diff, to: location) } catch { throw Self.applyFailure(error) }
    }

    /// The checkout's repository, opened once per run (opening reads the configuration files every time).
    func open(_ repository: FeedbackRepository) throws(StageFailure) -> GitRepository {
        do { return try repositoryCache.repository(at: repository.gitWorkTree) } catch {
            throw StageFailure(.apply, FeedbackError(.git, error.description))
        }
    }

    func gitStep<T>(_ stage: FeedbackStage, _ body: () throws(GitError) -> T) throws(StageFailure) -> T {
        do { return try body() } catch { throw StageFailure(stage, FeedbackError(.git, error.description)) }
    }

    /// The checkout's tip, after checking it is on the managed branch.
    func checkoutTip(_ git: GitRepository, _ validated: Validated) throws(StageFailure) -> ObjectID {
        let head = try gitStep(.apply) { () throws(GitError) in try git.head() }
        guard head.branch == validated.branch, !head.isDetached, let tip = head.commit else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .git,
                    "the checkout of \(validated.repository.name) is not on branch \(validated.branch) "
                        + "(HEAD: \(head.branch ?? head.commit?.short ?? "unborn"))"))
        }
        return tip
    }

    /// Refuses to work on a checkout with local changes to the paths the patch touches (not the patch's fault).
    func ensureClean(_ git: GitRepository, paths: [String]) throws(StageFailure) {
        let status = try gitStep(.apply) { () throws(GitError) in try git.status(of: paths) }
        let touched = Set(paths)
        let dirty = (status.staged + status.unstaged + status.untracked + status.conflicted).filter {
            touched.contains($0)
        }
        guard dirty.isEmpty else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .git, "the checkout has local changes to paths the patch touches", paths: Array(Set(dirty)).sorted()
                ))
        }
    }

    /// The folder for throwaway worktrees of `repository`: under ``Options/worktreeDirectory`` (default: the
    /// temporary folder), named after the repository and a hash of its path, so it is the same on every run (build
    /// caches stay valid) and distinct for every checkout on the machine.
    func worktreeFolder(_ repository: FeedbackRepository, name: String) -> URL {
        let base = (options.worktreeDirectory ?? FileManager.default.temporaryDirectory)
            .appendingPathComponent("deployctl-feedback", isDirectory: true)
        let hash = SHA256.hex(Array(repository.gitWorkTree.standardizedFileURL.path.utf8)).prefix(10)
        return base.appendingPathComponent("\(repository.name)-\(hash)-\(name)", isDirectory: true)
    }

    /// A throwaway worktree of `git` at `commit`, removed by the caller with ``removeWorktree(_:name:directory:)``.
    /// With `keepingBuild`, the `.build` folder saved by the last removal is moved back in, so that verification
    /// builds are incremental (dependencies are not fetched and built again).
    func makeWorktree(
        _ git: GitRepository, repository: FeedbackRepository, at commit: ObjectID, name: String,
        keepingBuild: Bool = false
    ) throws(StageFailure) -> (GitRepository, URL) {
        let directory = worktreeFolder(repository, name: name)
        removeWorktree(git, name: name, directory: directory)
        do { try AtomicFile.makeFolder(directory.deletingLastPathComponent()) } catch {
            throw StageFailure(.verify, error)
        }
        let worktree = try gitStep(.verify) { () throws(GitError) in
            try git.addWorktree(at: directory, commit: commit, name: name)
        }
        let saved = directory.appendingPathExtension("build-cache")
        if keepingBuild, AtomicFile.exists(saved) {
            rename(saved.path, Self.buildFolder(in: directory, repository).path)
        }
        return (worktree, directory)
    }

    /// Where the build of `repository` writes its `.build` in a worktree at `directory` (for a vendored folder,
    /// inside the folder).
    static func buildFolder(in directory: URL, _ repository: FeedbackRepository?) -> URL {
        let folder = repository?.enclosing.map { directory.appendingPathComponent($0.path) } ?? directory
        return folder.appendingPathComponent(".build")
    }

    /// Removes a throwaway worktree; with `keepingBuild`, the `.build` folder of `repository`'s build is first moved
    /// aside for the next one.
    func removeWorktree(
        _ git: GitRepository, name: String, directory: URL? = nil, keepingBuild: Bool = false,
        repository: FeedbackRepository? = nil
    ) {
        if keepingBuild, let directory {
            let build = Self.buildFolder(in: directory, repository)
            let saved = directory.appendingPathExtension("build-cache")
            if AtomicFile.exists(build) {
                try? FileManager.default.removeItem(at: saved)
                rename(build.path, saved.path)
            }
        }
        try? git.removeWorktree(name: name)
        if let directory { try? FileManager.default.removeItem(at: directory) }
        // Like `git worktree prune`, drop the administrative folder once it is empty (rmdir fails otherwise).
        rmdir(git.gitDirectory.appendingPathComponent("worktrees").path)
    }

    /// The commit message: the description (or a default subject) and the `Feedback-Id:` trailer.
    func commitMessage(_ validated: Validated, file: String) -> String {
        var text = validated.document.description.replacingOccurrences(of: "\r\n", with: "\n")
        while text.last?.isWhitespace == true { text.removeLast() }
        while text.first?.isNewline == true { text.removeFirst() }
        if text.isEmpty { text = "Apply feedback \(file)" }
        return text + "\n\nFeedback-Id: \(validated.document.id)\n"
    }

    // MARK: Applying

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

    /// Applies the planned diff to the checkout (all or nothing) and commits exactly its paths. Resumable: a commit
    /// already made is recognised by its parent (and tree); a half-written work tree is completed from a worktree
    /// (looked for only when `pathsCheckedClean` is false).
    func applyToCheckout(
        _ validated: Validated, git: GitRepository, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal,
        pathsCheckedClean: Bool
    ) throws(StageFailure) {
        guard let headBefore = journal.headBefore.flatMap(ObjectID.init(hex:)) else {
            throw StageFailure(.journal, FeedbackError(.journal, "the journal of \(claim.name) lacks the branch tip"))
        }
        guard let diff = journal.change else {
            throw StageFailure(.journal, FeedbackError(.journal, "the journal of \(claim.name) lacks the change"))
        }
        let clock = ContinuousClock.now
        let message = journal.commitMessage ?? commitMessage(validated, file: claim.name)
        let head = try gitStep(.commit) { () throws(GitError) in try git.head() }
        if let current = head.commit, current != headBefore {
            // Killed after the commit, before the journal said so: the commit is ours if it sits right on the
            // recorded tip (the folder lock keeps other feedback out) and has the verified tree when that is known.
            let parent = try? git.resolve("\(current.hex)~1")
            let tree = try? git.treeID(of: current)
            guard parent == headBefore, journal.expectedTree == nil || tree?.hex == journal.expectedTree else {
                throw StageFailure(
                    .commit,
                    FeedbackError(
                        .git,
                        "the branch moved from \(headBefore.short) to \(current.short) while the patch was being "
                            + "committed; left claimed for a look"))
            }
            journal.commit = current.hex
        } else {
            let interrupted = pathsCheckedClean ? false : try isPartlyWritten(git, paths: journal.paths)
            if interrupted {
                // Killed while applying: finish writing the change from a worktree, then commit it.
                try completeInterruptedApply(validated, git: git, diff: diff, at: headBefore, paths: journal.paths)
            } else {
                try apply(diff, to: git, at: git.workDirectory, .workTreeAndIndex)
            }
            // An apply writes the index too, so its entries are what to commit; a completed apply wrote files only.
            let commit = try gitStep(.commit) { () throws(GitError) in
                try git.commit(paths: journal.paths, message: message, author: author, staged: !interrupted)
            }
            journal.commit = commit.hex
        }
        journal.timings.stages[.commit] = clock.duration(to: .now).seconds
        journal.phase = .committed
        // Not written: resuming from `applying` finds the commit on the branch.
        try checkpoint(journal, claim, persist: false)
    }

    /// Whether any of `paths` differs from HEAD (in the index or the work tree): a resumed apply was interrupted.
    func isPartlyWritten(_ git: GitRepository, paths: [String]) throws(StageFailure) -> Bool {
        let status = try gitStep(.commit) { () throws(GitError) in try git.status(of: paths) }
        let touched = Set(paths)
        return (status.staged + status.unstaged + status.untracked).contains { touched.contains($0) }
    }

    /// Writes the post-patch contents of `paths` into the checkout, taken from a worktree at `tip` with `diff`
    /// applied (the checkout's paths were clean before, so this completes exactly the interrupted apply).
    func completeInterruptedApply(
        _ validated: Validated, git: GitRepository, diff: String, at tip: ObjectID, paths: [String]
    ) throws(StageFailure) {
        let (worktree, directory) = try makeWorktree(
            git, repository: validated.repository, at: tip, name: "deployctl-recover")
        defer { removeWorktree(git, name: "deployctl-recover", directory: directory) }
        try apply(diff, to: worktree, at: directory, .workTree)
        let files = FileManager.default
        for path in paths {
            let source = directory.appendingPathComponent(path)
            let target = validated.repository.gitWorkTree.appendingPathComponent(path)
            do {
                if files.fileExists(atPath: target.path) { try files.removeItem(at: target) }
                if files.fileExists(atPath: source.path) {
                    try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try files.copyItem(at: source, to: target)
                }
            } catch {
                throw StageFailure(
                    .commit, FeedbackError(.io, "cannot restore \(path): \(error.localizedDescription)"))
            }
        }
    }

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

    /// Runs the restart command once, when the file asked for it and one is configured.
    func restartIfAsked(_ validated: Validated, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal)
        async throws(StageFailure)
    {
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

/// Repositories opened during one run, by folder; emptied when a run starts (another process may have changed them).
final class RepositoryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var repositories: [String: GitRepository] = [:]

    func repository(at directory: URL) throws(GitError) -> GitRepository {
        lock.lock()
        defer { lock.unlock() }
        if let repository = repositories[directory.path] { return repository }
        let repository = try GitRepository.open(at: directory)
        repositories[directory.path] = repository
        return repository
    }

    func clear() {
        lock.withLock { repositories = [:] }
    }
}
