import Clibgit2

extension GitRepository {
    /// The id of the tree at `path` (a folder, relative to the work directory) in `commit`: what a vendored folder's
    /// build depends on. Equal ids mean equal contents of that folder.
    ///
    /// - Throws: ``GitError/Code/notFound`` when the commit has no such folder (e.g. it is not committed yet).
    public func treeID(of commit: ObjectID, path: String) throws(GitError) -> ObjectID {
        guard !path.split(separator: "/").isEmpty else { return try treeID(of: commit) }
        return try withHandle { repo throws(GitError) in
            try withTreeEntry(repo, commit: commit, path: path) { entry, trimmed throws(GitError) -> ObjectID in
                guard let entry else {
                    throw error(.notFound, "find \(trimmed) in \(commit.short)", "\(commit.short) has no \(trimmed)")
                }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
                    throw error(.invalidArgument, "find \(trimmed) in \(commit.short)", "\(trimmed) is not a folder")
                }
                return ObjectID(git_tree_entry_id(entry))
            }
        }
    }
}
