import Clibgit2

extension GitRepository {
    /// The bytes of the file at `path` (relative to the work directory) in `commit`, or nil when the commit has no
    /// file there.
    ///
    /// - Throws: ``GitError/Code/invalidArgument`` when `path` names a folder or a submodule; a ``GitError`` when
    ///   the commit cannot be read.
    public func contents(of path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        try withHandle { repo throws(GitError) in
            try withTreeEntry(repo, commit: commit, path: path) { entry, trimmed throws(GitError) -> [UInt8]? in
                guard let entry else { return nil }
                guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else {
                    throw error(.invalidArgument, "read \(trimmed) in \(commit.short)", "\(trimmed) is not a file")
                }
                var blob: OpaquePointer?
                try check(
                    git_blob_lookup(&blob, repo, git_tree_entry_id(entry)), "read \(trimmed) in \(commit.short)")
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
                return Array(UnsafeRawBufferPointer(start: raw, count: size))
            }
        }
    }
}
