import Clibgit2

extension GitRepository {
    /// Runs `body` with the tree entry at `path` in `commit`'s tree, or with `nil` when the tree has nothing there.
    /// `path` is relative to the work directory; empty segments are ignored. The entry is freed after `body`.
    func withTreeEntry<T>(
        _ repo: OpaquePointer, commit: ObjectID, path: String,
        _ body: (_ entry: OpaquePointer?, _ path: String) throws(GitError) -> T
    ) throws(GitError) -> T {
        let trimmed = path.split(separator: "/").joined(separator: "/")
        let tree = try tree(repo, of: commit)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let found = git_tree_entry_bypath(&entry, tree, trimmed)
        if found == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return try body(nil, trimmed)
        }
        try check(found, "find \(trimmed) in \(commit.short)")
        defer { git_tree_entry_free(entry) }
        return try body(entry, trimmed)
    }

    /// The tree of `commit`; the caller frees it with `git_tree_free`.
    func tree(_ repo: OpaquePointer, of commit: ObjectID) throws(GitError) -> OpaquePointer? {
        var oid = commit.oid
        var object: OpaquePointer?
        try check(git_commit_lookup(&object, repo, &oid), "look up commit \(commit.short)")
        defer { git_commit_free(object) }
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, object), "read the tree of \(commit.short)")
        return tree
    }
}
