import Clibgit2

extension GitRepository {
    /// Creates local branch `name` at `commit`; with `force`, moves an existing branch (never the checked-out one).
    /// - Throws: `.alreadyExists` when the branch exists and `force` is false.
    public func createBranch(_ name: String, at commit: ObjectID, force: Bool = false) throws(GitError) {
        try withHandle { repo throws(GitError) in
            var oid = commit.oid
            var object: OpaquePointer?
            try check(git_commit_lookup(&object, repo, &oid), "create branch \(name)")
            defer { git_commit_free(object) }
            var reference: OpaquePointer?
            try check(git_branch_create(&reference, repo, name, object, force ? 1 : 0), "create branch \(name)")
            git_reference_free(reference)
        }
    }

    /// Switches the work tree and HEAD to local `branch` with a safe checkout: local changes to files that differ
    /// between the two commits make it fail with `.conflict` before anything is written; other local changes are
    /// carried over, as with `git switch`.
    public func checkout(branch: String) throws(GitError) {
        try withHandle { repo throws(GitError) in
            let reference = "refs/heads/\(branch)"
            guard let id = try lookupID(repo, reference) else {
                throw error(.notFound, "checkout", "no local branch \(branch)")
            }
            var oid = id.oid
            var commit: OpaquePointer?
            try check(git_commit_lookup(&commit, repo, &oid), "checkout \(branch)")
            defer { git_commit_free(commit) }
            var options = git_checkout_options()
            git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
            options.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
            try check(git_checkout_tree(repo, commit, &options), "checkout \(branch)")
            try check(git_repository_set_head(repo, reference), "checkout \(branch)")
        }
    }
}

extension GitRepository {
    /// Deletes local branch `name` (never the checked-out one); the commits stay in the object database.
    /// - Returns: false when there was no such branch.
    /// - Throws: a ``GitError`` when the branch exists and cannot be deleted (e.g. it is checked out).
    @discardableResult
    public func deleteBranch(_ name: String) throws(GitError) -> Bool {
        try withHandle { repo throws(GitError) in
            var reference: OpaquePointer?
            let result = git_branch_lookup(&reference, repo, name, GIT_BRANCH_LOCAL)
            if result == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return false
            }
            try check(result, "delete branch \(name)")
            defer { git_reference_free(reference) }
            try check(git_branch_delete(reference), "delete branch \(name)")
            return true
        }
    }
}
