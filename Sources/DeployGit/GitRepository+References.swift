import Clibgit2

extension GitRepository {
    /// Where HEAD points: branch, commit, detached or unborn.
    public func head() throws(GitError) -> HeadState {
        try withHandle { repo throws(GitError) in try headState(repo) }
    }

    func headState(_ repo: OpaquePointer) throws(GitError) -> HeadState {
        var headRef: OpaquePointer?
        try check(git_reference_lookup(&headRef, repo, "HEAD"), "head")
        defer { git_reference_free(headRef) }
        var branch: String?
        var detached = true
        if git_reference_type(headRef) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(headRef) {
            detached = false
            let name = String(cString: target)
            branch = name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
        }
        let commit = try lookupID(repo, "HEAD")
        return HeadState(branch: branch, commit: commit, isDetached: detached, isUnborn: commit == nil && !detached)
    }

    /// The id a reference resolves to, or nil if the reference (or the branch it names) does not exist.
    func lookupID(_ repo: OpaquePointer, _ name: String) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, repo, name)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EUNBORNBRANCH.rawValue {
            git_error_clear()
            return nil
        }
        try check(result, "resolve \(name)")
        return ObjectID(oid)
    }

    /// The upstream of `branch` (default: the current branch) as `REMOTE/BRANCH`, e.g. `origin/main`; nil when
    /// none is configured.
    public func upstream(of branch: String? = nil) throws(GitError) -> String? {
        try withHandle { repo throws(GitError) in
            var name = branch
            if name == nil { name = try headState(repo).branch }
            guard let name else { return nil }
            return try upstreamName(repo, branch: name)
        }
    }

    /// Like `git_branch_upstream_name`, from `branch.NAME.remote`/`.merge` and the remote's fetch refspecs, read
    /// without libgit2's leaking pattern lookups (see ``ConfiguredRemote``).
    func upstreamName(_ repo: OpaquePointer, branch: String) throws(GitError) -> String? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, repo), "upstream of \(branch)")
        defer { git_config_free(config) }
        guard let config, let remoteName = ConfiguredRemote.string("branch.\(branch).remote", in: config),
            let merge = ConfiguredRemote.string("branch.\(branch).merge", in: config)
        else { return nil }
        if remoteName == "." { return merge }
        guard let remote = ConfiguredRemote.read(remoteName, from: config),
            let full = remote.trackingReference(for: merge)
        else { return nil }
        return full.hasPrefix("refs/remotes/") ? String(full.dropFirst("refs/remotes/".count)) : full
    }

    /// How many commits `local` has that `upstream` lacks, and the reverse.
    public func aheadBehind(local: ObjectID, upstream: ObjectID) throws(GitError) -> (ahead: Int, behind: Int) {
        try withHandle { repo throws(GitError) in try aheadBehind(repo, local, upstream) }
    }

    func aheadBehind(_ repo: OpaquePointer, _ local: ObjectID, _ upstream: ObjectID) throws(GitError) -> (ahead: Int, behind: Int) {
        if git_repository_is_shallow(repo) == 1 {
            // libgit2 1.5 does not read `.git/shallow`, so its graph walks fail at the missing parents of the
            // boundary commits. Walk by hand instead, stopping at missing objects: exact when the merge base is in
            // the local history, and "diverged" (the safe answer) when it is not.
            let fromLocal = try reachableCommits(repo, from: local)
            let fromUpstream = try reachableCommits(repo, from: upstream)
            return (fromLocal.subtracting(fromUpstream).count, fromUpstream.subtracting(fromLocal).count)
        }
        var ahead = 0
        var behind = 0
        var localOID = local.oid
        var upstreamOID = upstream.oid
        try check(git_graph_ahead_behind(&ahead, &behind, repo, &localOID, &upstreamOID), "ahead/behind")
        return (ahead, behind)
    }

    /// Commits reachable from `start` that exist locally (the walk stops at missing parents).
    private func reachableCommits(_ repo: OpaquePointer, from start: ObjectID) throws(GitError) -> Set<ObjectID> {
        var seen: Set<ObjectID> = [start]
        var queue = [start]
        while let id = queue.popLast() {
            var oid = id.oid
            var commit: OpaquePointer?
            let result = git_commit_lookup(&commit, repo, &oid)
            if result == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                seen.remove(id)
                continue
            }
            try check(result, "walk history")
            defer { git_commit_free(commit) }
            for index in 0..<git_commit_parentcount(commit) {
                guard let parent = git_commit_parent_id(commit, index) else { continue }
                let parentID = ObjectID(parent)
                if seen.insert(parentID).inserted { queue.append(parentID) }
            }
        }
        return seen
    }

    /// Resolves a revision (`main`, `origin/main`, `v1.2.0`, `HEAD~1`, an id) to a commit; annotated tags are peeled.
    ///
    /// - Throws: ``GitError/Code/notFound`` when nothing matches, ``GitError/Code/invalidArgument`` when the
    ///   revision points at something that is not a commit.
    public func resolve(_ revision: String) throws(GitError) -> ObjectID {
        try withHandle { repo throws(GitError) in try resolveCommit(repo, revision) }
    }

    func resolveCommit(_ repo: OpaquePointer, _ revision: String) throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, repo, revision), "resolve \(revision)")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let result = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if result == GIT_EPEEL.rawValue || result == GIT_EINVALIDSPEC.rawValue {
            git_error_clear()
            throw error(.invalidArgument, "resolve \(revision)", "\(revision) does not point at a commit")
        }
        try check(result, "resolve \(revision)")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit))
    }

    /// The id of the root tree of `commit`: equal trees mean equal contents, whatever the history.
    public func treeID(of commit: ObjectID) throws(GitError) -> ObjectID {
        try withHandle { repo throws(GitError) in
            var oid = commit.oid
            var object: OpaquePointer?
            try check(git_commit_lookup(&object, repo, &oid), "look up commit \(commit.short)")
            defer { git_commit_free(object) }
            return ObjectID(git_commit_tree_id(object))
        }
    }

    /// Whether the local `branch` has reflog entries. A branch that does not exist but still has them was lost (git
    /// removes a branch's reflog when the branch is deleted), rather than never created.
    public func hasReflog(branch: String) -> Bool {
        (try? withHandle { repo throws(GitError) in
            var reflog: OpaquePointer?
            guard git_reflog_read(&reflog, repo, "refs/heads/\(branch)") == 0 else {
                git_error_clear()
                return false
            }
            defer { git_reflog_free(reflog) }
            return git_reflog_entrycount(reflog) > 0
        }) ?? false
    }
}
