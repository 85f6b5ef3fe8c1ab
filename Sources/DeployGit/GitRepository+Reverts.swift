import Foundation

extension GitRepository {
    /// The commits that the newest `limit` commits reachable from `revisions` revert, as `git revert` records it
    /// (`This reverts commit <full id>.` in the message), each with the newest commit that reverts it.
    ///
    /// The same bounded walk as ``trailerValues(_:in:limit:)``; a message may name several commits (a revert of a
    /// merge, a squashed series of reverts).
    /// - Returns: reverted commit (full hex) → the commit that reverts it.
    /// - Throws: ``GitError/Code/invalidArgument`` for a limit below 1; a ``GitError`` when the walk fails.
    public func revertedCommits(in revisions: [String], limit: Int) throws(GitError) -> [String: ObjectID] {
        var reverted: [String: ObjectID] = [:]
        try walkMessages(from: revisions, limit: limit, operation: "revert search") { id, message in
            for commit in Self.revertedIDs(in: message) where reverted[commit] == nil { reverted[commit] = id }
        }
        return reverted
    }

    /// The full ids after each `This reverts commit ` in `message`.
    static func revertedIDs(in message: String) -> [String] {
        let marker = "This reverts commit "
        var ids: [String] = []
        var rest = message[...]
        while let range = rest.range(of: marker) {
            let id = rest[range.upperBound...].prefix { $0.isHexDigit }
            if id.count == 40 || id.count == 64 { ids.append(id.lowercased()) }
            rest = rest[range.upperBound...]
        }
        return ids
    }
}
