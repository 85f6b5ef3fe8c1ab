import Clibgit2

extension GitRepository {
    /// The files a unified diff touches, parsed (by libgit2) before anything is written. Paths escaping the
    /// repository are reported as they are (see ``PatchedPath/escapesRepository``); the policy is the caller's.
    /// - Throws: `.invalidArgument` when the text is not a diff libgit2 can parse.
    public static func patchedPaths(in diff: String) throws(GitError) -> [PatchedPath] {
        ensureLibgit2()
        let handle = try parseDiff(diff, repository: nil)
        defer { git_diff_free(handle) }
        return paths(of: handle)
    }

    /// Applies a unified diff all or nothing: either every hunk applies, or nothing is written.
    ///
    /// A diff touching a path outside the work tree (absolute, `..`, `.git`) is refused with `.unsafePath` before
    /// libgit2 sees it. With `checkOnly`, only checks that the diff applies, and writes nothing (not even objects).
    /// - Returns: the paths the diff touches.
    /// - Throws: `.patchDoesNotApply`, `.unsafePath`, `.invalidArgument` (unparseable diff).
    @discardableResult
    public func apply(diff: String, to location: ApplyLocation = .workTreeAndIndex, checkOnly: Bool = false) throws(GitError)
        -> [PatchedPath]
    {
        let handle = try GitRepository.parseDiff(diff, repository: displayPath)
        defer { git_diff_free(handle) }
        let touched = GitRepository.paths(of: handle)
        let unsafe = touched.filter(\.escapesRepository)
        guard unsafe.isEmpty else {
            let names = unsafe.flatMap { [$0.oldPath, $0.newPath].compactMap { $0 } }.filter(PatchedPath.isUnsafe)
            throw error(.unsafePath, "apply", "the patch writes outside the work tree: \(Set(names).sorted().joined(separator: ", "))")
        }
        if location != .index, !checkOnly {
            let linked = touched.flatMap { PatchedPath.symbolicLinks(on: $0, in: workDirectory) }
            guard linked.isEmpty else {
                throw error(
                    .unsafePath, "apply",
                    "the patch writes beyond a symbolic link of the work tree: \(Set(linked).sorted().joined(separator: ", "))")
            }
        }
        try withHandle { repo throws(GitError) in
            var options = git_apply_options()
            git_apply_options_init(&options, UInt32(GIT_APPLY_OPTIONS_VERSION))
            if checkOnly { options.flags = GIT_APPLY_CHECK.rawValue }
            let where_: git_apply_location_t =
                switch location {
                case .workTreeAndIndex: GIT_APPLY_LOCATION_BOTH
                case .index: GIT_APPLY_LOCATION_INDEX
                case .workTree: GIT_APPLY_LOCATION_WORKDIR
                }
            let result =
                checkOnly
                ? try withObjectsWrittenToMemory(repo) { () throws(GitError) in git_apply(repo, handle, where_, &options) }
                : git_apply(repo, handle, where_, &options)
            if result < 0 {
                var failure = GitError.fromLast(result, operation: "apply", repository: displayPath)
                if failure.code == .other || failure.code == .conflict || failure.code == .notFound {
                    failure.code = .patchDoesNotApply
                }
                throw failure
            }
        }
        return touched
    }

    private static func parseDiff(_ text: String, repository: String?) throws(GitError) -> OpaquePointer {
        var handle: OpaquePointer?
        let length = text.utf8.count
        let result = text.withCString { git_diff_from_buffer(&handle, $0, length) }
        if result < 0 {
            var failure = GitError.fromLast(result, operation: "parse diff", repository: repository)
            failure.code = .invalidArgument
            throw failure
        }
        return handle!
    }

    private static func paths(of diff: OpaquePointer?) -> [PatchedPath] {
        (0..<git_diff_num_deltas(diff)).compactMap { index in
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { return nil }
            let old = delta.old_file.path.map { String(cString: $0) }
            let new = delta.new_file.path.map { String(cString: $0) }
            let status: PatchedPath.Status
            switch delta.status {
            case GIT_DELTA_ADDED: status = .added
            case GIT_DELTA_DELETED: status = .deleted
            case GIT_DELTA_RENAMED: status = .renamed
            case GIT_DELTA_COPIED: status = .copied
            default: status = .modified
            }
            return PatchedPath(
                oldPath: status == .added ? nil : old,
                newPath: status == .deleted ? nil : new,
                status: status,
                isBinary: delta.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0,
                oldMode: UInt32(delta.old_file.mode),
                newMode: UInt32(delta.new_file.mode)
            )
        }
    }
}
