import DeployBuild
import DeployGit
import Foundation

extension FeedbackProcessor {
    /// The commit message: the description (or a default subject) and the `Feedback-Id:` trailer.
    func commitMessage(_ validated: Validated, file: String) -> String {
        var text = validated.document.description.replacingOccurrences(of: "\r\n", with: "\n")
        while text.last?.isWhitespace == true { text.removeLast() }
        while text.first?.isNewline == true { text.removeFirst() }
        if text.isEmpty { text = "Apply feedback \(file)" }
        return text + "\n\nFeedback-Id: \(validated.document.id)\n"
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
}
