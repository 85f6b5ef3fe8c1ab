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
    /// Deletes local branch `name` (never the checked-out one) and its `branch.NAME.*` configuration; the commits
    /// stay in the object database.
    ///
    /// A branch without configuration (such as deployctl's staging branch) is deleted as a plain reference:
    /// libgit2 1.5.1's `git_branch_delete` always removes the configuration section through a regular expression and
    /// leaks about 58 kB of PCRE2 match data per call (fixed in 1.6), once per published feedback file.
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
            if try hasConfiguration(repo, branch: name) {
                try check(git_branch_delete(reference), "delete branch \(name)")
                return true
            }
            guard git_branch_is_checked_out(reference) == 0 else {
                throw error(.invalidArgument, "delete branch \(name)", "the branch is checked out")
            }
            try check(git_reference_delete(reference), "delete branch \(name)")
            return true
        }
    }

    /// Whether any `branch.NAME.*` key is set, found by iterating the configuration (no pattern, so nothing leaks).
    private func hasConfiguration(_ repo: OpaquePointer, branch name: String) throws(GitError) -> Bool {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, repo), "read the configuration")
        defer { git_config_free(config) }
        var iterator: OpaquePointer?
        guard git_config_iterator_new(&iterator, config) == 0 else {
            git_error_clear()
            return true  // cannot tell: let libgit2 remove whatever is there
        }
        defer { git_config_iterator_free(iterator) }
        // Names come normalised: section and key lower-case, the subsection (the branch name) as written.
        let prefix = "branch.\(name)."
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let entry {
            if String(cString: entry.pointee.name).hasPrefix(prefix) { return true }
        }
        git_error_clear()
        return false
    }
}
