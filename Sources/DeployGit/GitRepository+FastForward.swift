import Clibgit2

extension GitRepository {
    /// Moves `branch` (default: the current branch) forward to `upstream` (`REMOTE/BRANCH`; default: its configured
    /// upstream), updating the work tree when the branch is checked out.
    ///
    /// Never loses work: a diverged branch, tracked local changes, or untracked files the update would overwrite leave
    /// everything untouched and are reported as ``UpdateOutcome/blocked(_:)``. Local changes that are exactly what an
    /// interrupted fast-forward to the same target wrote (a process killed mid-checkout) are finished instead. A
    /// branch ahead of its upstream (nothing to take) is ``UpdateOutcome/upToDate(_:)``.
    /// - Parameter ignoring: path prefixes (relative to the work tree; a folder with its trailing `/`) whose local
    ///   changes are the caller's own files, not the user's: they neither block the update nor appear in a blocked
    ///   outcome's status. The checkout still never overwrites them (a change the update would overwrite blocks it).
    public func fastForward(branch: String? = nil, to upstream: String? = nil, ignoring: [String] = [])
        throws(GitError) -> UpdateOutcome
    {
        try withHandle { repo throws(GitError) in
            let head = try headState(repo)
            guard let branchName = branch ?? head.branch else { return .blocked(.noBranch) }
            var upstreamName = upstream
            if upstreamName == nil { upstreamName = try self.upstreamName(repo, branch: branchName) }
            guard let upstreamName, let target = try lookupID(repo, "refs/remotes/\(upstreamName)") else {
                return .blocked(.noUpstream)
            }
            return try fastForward(
                repo, branch: branchName, to: target, reason: "fast-forward to \(upstreamName)", ignoring: ignoring)
        }
    }

    /// Moves `branch` forward to `commit` (which must contain the branch tip), updating the work tree when the branch
    /// is checked out; the same rules as ``fastForward(branch:to:ignoring:)``. For a commit made beside the checkout
    /// (in a worktree) that no remote holds.
    public func fastForward(branch: String, toCommit commit: ObjectID, ignoring: [String] = []) throws(GitError)
        -> UpdateOutcome
    {
        try withHandle { repo throws(GitError) in
            try fastForward(
                repo, branch: branch, to: commit, reason: "fast-forward to \(commit.short)", ignoring: ignoring)
        }
    }

    /// Fetches `remote`, then fast-forwards `branch` (default: the current branch) to its upstream (default:
    /// `REMOTE/BRANCH` when none is configured). See ``fastForward(branch:to:ignoring:)``.
    public func update(
        remote: String = "origin",
        branch: String? = nil,
        credentials: GitCredentials = .none,
        timeout: Duration? = nil,
        ignoring: [String] = []
    ) async throws(GitError) -> UpdateOutcome {
        try await fetch(remote: remote, credentials: credentials, timeout: timeout)
        return try withHandle { repo throws(GitError) in
            var name = branch
            if name == nil { name = try headState(repo).branch }
            guard let name else { return .blocked(.noBranch) }
            let upstream = try upstreamName(repo, branch: name) ?? "\(remote)/\(name)"
            guard let target = try lookupID(repo, "refs/remotes/\(upstream)") else { return .blocked(.noUpstream) }
            return try fastForward(
                repo, branch: name, to: target, reason: "fast-forward to \(upstream)", ignoring: ignoring)
        }
    }

    private func fastForward(
        _ repo: OpaquePointer, branch branchName: String, to target: ObjectID, reason: String, ignoring: [String]
    ) throws(GitError) -> UpdateOutcome {
        let head = try headState(repo)
        let localRef = "refs/heads/\(branchName)"
        let current = try lookupID(repo, localRef)
        if let current {
            if current == target { return .upToDate(current) }
            let (ahead, behind) = try aheadBehind(repo, current, target)
            if behind == 0 { return .upToDate(current) }
            if ahead > 0 { return .blocked(.diverged(ahead: ahead, behind: behind)) }
        }
        let checkedOut = !isBare && head.branch == branchName && !head.isDetached
        if checkedOut {
            let fullStatus = try workTreeStatus(repo)
            let status = fullStatus.excluding(prefixes: ignoring)
            // A fast-forward killed between writing the files and moving the branch leaves them as local changes
            // that are exactly the target's: finished here, else refused as local work. Judged on every change, the
            // caller's own files included, since finishing overwrites whatever differs.
            // Only a branch that exists moves forward: an unborn one (a lost ref, a `git init` with files added) is
            // never taken for a trace, whatever its index holds.
            var interrupted = false
            if status.hasTrackedChanges, let current {
                interrupted = try isInterruptedCheckout(repo, head: current, target: target, status: fullStatus)
            }
            if status.hasTrackedChanges, !interrupted { return .blocked(.dirty(status)) }
            // Safe checkout: refuses (before writing anything) to overwrite untracked files in the way.
            var commit: OpaquePointer?
            var oid = target.oid
            try check(git_commit_lookup(&commit, repo, &oid), "fast-forward")
            defer { git_commit_free(commit) }
            var options = git_checkout_options()
            git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
            options.checkout_strategy = interrupted ? GIT_CHECKOUT_FORCE.rawValue : GIT_CHECKOUT_SAFE.rawValue
            let result = git_checkout_tree(repo, commit, &options)
            if result == GIT_ECONFLICT.rawValue {
                git_error_clear()
                // Something the update would overwrite: say all there is, the caller's own files included.
                return .blocked(.dirty(fullStatus))
            }
            try check(result, "fast-forward checkout")
        }
        var newRef: OpaquePointer?
        var oid = target.oid
        let message = "deployctl: \(reason)"
        if current == nil {
            try check(git_reference_create(&newRef, repo, localRef, &oid, 0, message), "fast-forward")
        } else {
            var oldRef: OpaquePointer?
            try check(git_reference_lookup(&oldRef, repo, localRef), "fast-forward")
            defer { git_reference_free(oldRef) }
            try check(git_reference_set_target(&newRef, oldRef, &oid, message), "fast-forward")
        }
        git_reference_free(newRef)
        return .fastForwarded(from: current, to: target)
    }
}
