import Clibgit2

extension GitRepository {
    /// Uncommitted changes: staged, unstaged, untracked (not ignored) and conflicted paths.
    public func status() throws(GitError) -> WorkTreeStatus {
        try withHandle { repo throws(GitError) in try workTreeStatus(repo) }
    }

    func workTreeStatus(_ repo: OpaquePointer) throws(GitError) -> WorkTreeStatus {
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        var list: OpaquePointer?
        try check(git_status_list_new(&list, repo, &options), "status")
        defer { git_status_list_free(list) }
        var status = WorkTreeStatus()
        let indexBits = GIT_STATUS_INDEX_NEW.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue
            | GIT_STATUS_INDEX_DELETED.rawValue | GIT_STATUS_INDEX_RENAMED.rawValue | GIT_STATUS_INDEX_TYPECHANGE.rawValue
        let workBits = GIT_STATUS_WT_MODIFIED.rawValue | GIT_STATUS_WT_DELETED.rawValue
            | GIT_STATUS_WT_TYPECHANGE.rawValue | GIT_STATUS_WT_RENAMED.rawValue
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index)?.pointee else { continue }
            let flags = entry.status.rawValue
            func path(_ delta: UnsafeMutablePointer<git_diff_delta>?) -> String? {
                guard let delta else { return nil }
                return (delta.pointee.new_file.path ?? delta.pointee.old_file.path).map { String(cString: $0) }
            }
            let name = path(entry.index_to_workdir) ?? path(entry.head_to_index) ?? ""
            if flags & GIT_STATUS_CONFLICTED.rawValue != 0 {
                status.conflicted.append(name)
                continue
            }
            if flags & indexBits != 0 { status.staged.append(path(entry.head_to_index) ?? name) }
            if flags & workBits != 0 { status.unstaged.append(name) }
            if flags & GIT_STATUS_WT_NEW.rawValue != 0 { status.untracked.append(name) }
        }
        return status
    }
}
