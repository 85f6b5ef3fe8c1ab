import Clibgit2

extension GitRepository {
    /// The bytes of the file at `path` (relative to the work directory) in `commit`, or nil when the commit has no
    /// file there.
    ///
    /// - Throws: ``GitError/Code/invalidArgument`` when `path` names a folder or a submodule; a ``GitError`` when
    ///   the commit cannot be read.
    public func contents(of path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        try contents(of: path, at: commit, regularOnly: false)
    }

    /// The bytes of the regular (or executable) file at `path` in `commit`, or nil when the commit has no file
    /// there: what an agent may read of a repository (a committed symbolic link may point anywhere on the machine).
    ///
    /// - Throws: ``GitError/Code/invalidArgument`` when `path` names a symbolic link, a folder or a submodule.
    public func regularFileContents(of path: String, at commit: ObjectID) throws(GitError) -> [UInt8]? {
        try contents(of: path, at: commit, regularOnly: true)
    }

    private func contents(of path: String, at commit: ObjectID, regularOnly: Bool) throws(GitError) -> [UInt8]? {
        try withHandle { repo throws(GitError) in
            try withTreeEntry(repo, commit: commit, path: path) { entry, trimmed throws(GitError) -> [UInt8]? in
                guard let entry else { return nil }
                guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else {
                    throw error(.invalidArgument, "read \(trimmed) in \(commit.short)", "\(trimmed) is not a file")
                }
                let mode = git_tree_entry_filemode(entry)
                if regularOnly, mode != GIT_FILEMODE_BLOB, mode != GIT_FILEMODE_BLOB_EXECUTABLE {
                    throw error(
                        .invalidArgument, "read \(trimmed) in \(commit.short)", "\(trimmed) is a symbolic link")
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
