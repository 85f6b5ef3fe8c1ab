import Clibgit2

extension GitRepository {
    /// The id of the tree at `path` (a folder, relative to the work directory) in `commit`: what a vendored folder's
    /// build depends on. Equal ids mean equal contents of that folder.
    ///
    /// - Throws: ``GitError/Code/notFound`` when the commit has no such folder (e.g. it is not committed yet).
    public func treeID(of commit: ObjectID, path: String) throws(GitError) -> ObjectID {
        let trimmed = path.split(separator: "/").joined(separator: "/")
        guard !trimmed.isEmpty else { return try treeID(of: commit) }
        return try withHandle { repo throws(GitError) in
            var oid = commit.oid
            var commitObject: OpaquePointer?
            try check(git_commit_lookup(&commitObject, repo, &oid), "look up commit \(commit.short)")
            defer { git_commit_free(commitObject) }
            var tree: OpaquePointer?
            try check(git_commit_tree(&tree, commitObject), "read the tree of \(commit.short)")
            defer { git_tree_free(tree) }
            var entry: OpaquePointer?
            try check(git_tree_entry_bypath(&entry, tree, trimmed), "find \(trimmed) in \(commit.short)")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
                throw error(.invalidArgument, "find \(trimmed) in \(commit.short)", "\(trimmed) is not a folder")
            }
            return ObjectID(git_tree_entry_id(entry))
        }
    }
}
