import Clibgit2

extension GitRepository {
    /// The values of the trailer `key` (e.g. `Feedback-Id`) in the newest `limit` commits reachable from `revisions`,
    /// each with the newest commit that carries it.
    ///
    /// The walk is one libgit2 revwalk over all `revisions` at once, newest commit first (by commit time), and reads
    /// at most `limit` commits, so its cost is bounded whatever the history's length. Keys compare
    /// case-insensitively, as git's own trailer handling does; only the message's trailer block (its last
    /// paragraph of `Key: value` lines) counts. Revisions that do not exist (an unborn branch, a remote branch not
    /// fetched yet) are skipped. In a shallow clone the walk ends at the shallow boundary.
    /// - Parameters:
    ///   - key: the trailer key, without the colon.
    ///   - revisions: where to start (`main`, `origin/main`, an id); duplicates and shared history are walked once.
    ///   - limit: the most commits read (at least 1).
    /// - Returns: value → the newest commit carrying it among those read.
    /// - Throws: ``GitError/Code/invalidArgument`` for a limit below 1; a ``GitError`` when the walk fails.
    public func trailerValues(_ key: String, in revisions: [String], limit: Int) throws(GitError) -> [String: ObjectID]
    {
        let wanted = key.lowercased()
        var found: [String: ObjectID] = [:]
        try walkMessages(from: revisions, limit: limit, operation: "trailer search") { id, message in
            for value in Self.trailers(in: message, key: wanted) where found[value] == nil { found[value] = id }
        }
        return found
    }

    /// Calls `visit` with the id and message of each of the newest `limit` commits reachable from `revisions`,
    /// newest first (one revwalk, or the hand walk of a shallow clone); revisions that do not exist are skipped.
    func walkMessages(
        from revisions: [String], limit: Int, operation: String, _ visit: (ObjectID, String) -> Void
    ) throws(GitError) {
        guard limit >= 1 else {
            throw error(.invalidArgument, operation, "the commit limit must be at least 1, not \(limit)")
        }
        try withHandle { repo throws(GitError) in
            var starts: [ObjectID] = []
            for revision in revisions {
                guard let start = try? resolveCommit(repo, revision) else {
                    git_error_clear()
                    continue
                }
                starts.append(start)
            }
            guard !starts.isEmpty else { return }
            if git_repository_is_shallow(repo) == 1 {
                try walkShallow(repo, from: starts, limit: limit, visit)
            } else {
                try walk(repo, from: starts, limit: limit, visit)
            }
        }
    }

    /// The newest commit among the newest `limit` reachable from `revisions` whose message has the trailer
    /// `key: value`, or nil. See ``trailerValues(_:in:limit:)``.
    public func commit(withTrailer key: String, value: String, in revisions: [String], limit: Int) throws(GitError)
        -> ObjectID?
    {
        try trailerValues(key, in: revisions, limit: limit)[value]
    }

    /// The newest `limit` commits reachable from `starts`, newest first, with a libgit2 revwalk.
    private func walk(
        _ repo: OpaquePointer, from starts: [ObjectID], limit: Int, _ visit: (ObjectID, String) -> Void
    ) throws(GitError) {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, repo), "trailer search")
        defer { git_revwalk_free(walker) }
        try check(git_revwalk_sorting(walker, GIT_SORT_TIME.rawValue), "trailer search")
        for start in starts {
            var oid = start.oid
            try check(git_revwalk_push(walker, &oid), "trailer search")
        }
        var oid = git_oid()
        for _ in 0..<limit {
            let result = git_revwalk_next(&oid, walker)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result, "trailer search")
            visit(ObjectID(oid), try message(repo, oid))
        }
    }

    /// The same walk by hand for a shallow clone: libgit2 1.5 does not read `.git/shallow`, so its revwalk fails
    /// (before returning them) at the commits whose parents are missing. Newest commit time first; missing parents
    /// end their line.
    private func walkShallow(
        _ repo: OpaquePointer, from starts: [ObjectID], limit: Int, _ visit: (ObjectID, String) -> Void
    ) throws(GitError) {
        var frontier: [(id: ObjectID, time: Int64)] = []
        var seen: Set<ObjectID> = []
        func enqueue(_ id: ObjectID) throws(GitError) {
            guard seen.insert(id).inserted else { return }
            var oid = id.oid
            var commit: OpaquePointer?
            let result = git_commit_lookup(&commit, repo, &oid)
            if result == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return
            }
            try check(result, "trailer search")
            frontier.append((id, Int64(git_commit_time(commit))))
            git_commit_free(commit)
        }
        for start in starts { try enqueue(start) }
        var read = 0
        while read < limit, let newest = frontier.indices.max(by: { frontier[$0].time < frontier[$1].time }) {
            let id = frontier.remove(at: newest).id
            read += 1
            var oid = id.oid
            var commit: OpaquePointer?
            try check(git_commit_lookup(&commit, repo, &oid), "trailer search")
            defer { git_commit_free(commit) }
            visit(id, git_commit_message(commit).map { String(cString: $0) } ?? "")
            for index in 0..<git_commit_parentcount(commit) {
                if let parent = git_commit_parent_id(commit, index) { try enqueue(ObjectID(parent)) }
            }
        }
    }

    private func message(_ repo: OpaquePointer, _ id: git_oid) throws(GitError) -> String {
        var oid = id
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, repo, &oid), "trailer search")
        defer { git_commit_free(commit) }
        return git_commit_message(commit).map { String(cString: $0) } ?? ""
    }

    /// The values of the trailers named `key` (lower-cased) in a commit message.
    static func trailers(in message: String, key: String) -> [String] {
        var array = git_message_trailer_array()
        guard git_message_trailers(&array, message) == 0 else {
            // A message libgit2 cannot split into trailers has none.
            git_error_clear()
            return []
        }
        defer { git_message_trailer_array_free(&array) }
        var values: [String] = []
        for index in 0..<array.count {
            let trailer = array.trailers[index]
            guard let name = trailer.key, let value = trailer.value, String(cString: name).lowercased() == key
            else { continue }
            values.append(String(cString: value))
        }
        return values
    }
}
