import Clibgit2

extension GitRepository {
    /// Whether the index has an entry for `path` (relative to the work tree): the repository tracks the file.
    public func tracks(_ path: String) throws(GitError) -> Bool {
        try withHandle { repo throws(GitError) in
            var index: OpaquePointer?
            try check(git_repository_index(&index, repo), "read index")
            defer { git_index_free(index) }
            try check(git_index_read(index, 0), "read index")
            return git_index_get_bypath(index, path, 0) != nil
        }
    }
}
