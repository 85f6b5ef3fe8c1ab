import Clibgit2

extension GitRepository {
    /// The uncommitted state of `paths` only (files relative to the work directory), without scanning the rest of
    /// the work tree: a path whose index entry matches HEAD and whose file matches the entry's stat data costs a
    /// `stat` (see `statCleanPaths`); the others a `git_status_file` each. ``status()`` visits every file. A path that exists
    /// nowhere (not in HEAD, the index nor the work tree) is clean; ignored files are not listed.
    /// - Throws: ``GitError/Code/unsafePath`` for a path leaving the work tree; a ``GitError`` when the status
    ///   cannot be read.
    public func status(of paths: [String]) throws(GitError) -> WorkTreeStatus {
        if let bad = paths.first(where: PatchedPath.isUnsafe) {
            throw error(.unsafePath, "status", "path \(bad) is outside the work tree")
        }
        return try withHandle { repo throws(GitError) in
            var status = WorkTreeStatus()
            let indexBits = GIT_STATUS_INDEX_NEW.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue
                | GIT_STATUS_INDEX_DELETED.rawValue | GIT_STATUS_INDEX_RENAMED.rawValue
                | GIT_STATUS_INDEX_TYPECHANGE.rawValue
            let workBits = GIT_STATUS_WT_MODIFIED.rawValue | GIT_STATUS_WT_DELETED.rawValue
                | GIT_STATUS_WT_TYPECHANGE.rawValue | GIT_STATUS_WT_RENAMED.rawValue
            let unique = Set(paths).sorted()
            let clean = statCleanPaths(repo, unique)
            for path in unique where !clean.contains(path) {
                var flags: UInt32 = 0
                let result = git_status_file(&flags, repo, path)
                if result == GIT_ENOTFOUND.rawValue {
                    git_error_clear()
                    continue
                }
                try check(result, "status of \(path)")
                if flags & GIT_STATUS_CONFLICTED.rawValue != 0 {
                    status.conflicted.append(path)
                    continue
                }
                if flags & indexBits != 0 { status.staged.append(path) }
                if flags & workBits != 0 { status.unstaged.append(path) }
                if flags & GIT_STATUS_WT_NEW.rawValue != 0 { status.untracked.append(path) }
            }
            return status
        }
    }
}
