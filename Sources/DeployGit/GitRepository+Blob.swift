import Clibgit2

extension GitRepository {
    /// The bytes of the file at `path` (relative to the work directory) in `commit`, or nil when the commit has no
    /// file there.
    ///
    /// - Throws: ``GitError/Code/invalidArgument`` when `path` names a folder or a submodule; a ``GitError`` when
    ///   the commit cannot be read.
    public func contents(of path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        let trimmed = path.split(separator: "/").joined(separator: "/")
        return try withHandle { repo throws(GitError) in
            var oid = commit.oid
            var commitObject: OpaquePointer?
            try check(git_commit_lookup(&commitObject, repo, &oid), "look up commit \(commit.short)")
            defer { git_commit_free(commitObject) }
            var tree: OpaquePointer?
            try check(git_commit_tree(&tree, commitObject), "read the tree of \(commit.short)")
            defer { git_tree_free(tree) }
            var entry: OpaquePointer?
            let found = git_tree_entry_bypath(&entry, tree, trimmed)
            if found == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return nil
            }
            try check(found, "find \(trimmed) in \(commit.short)")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else {
                throw error(.invalidArgument, "read \(trimmed) in \(commit.short)", "\(trimmed) is not a file")
            }
            var blob: OpaquePointer?
            try check(git_blob_lookup(&blob, repo, git_tree_entry_id(entry)), "read \(trimmed) in \(commit.short)")
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
            return Array(UnsafeRawBufferPointer(start: raw, count: size))
        }
    }
}
