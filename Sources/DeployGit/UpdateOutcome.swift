/// What a fast-forward update did.
public enum UpdateOutcome: Sendable, Hashable {
    /// The branch already was at (or ahead of nothing behind) its upstream; nothing was touched.
    case upToDate(ObjectID)
    /// The branch and work tree moved forward.
    case fastForwarded(from: ObjectID?, to: ObjectID)
    /// Nothing was touched, for the reason given.
    case blocked(UpdateBlock)

    /// The commit the branch points at after the update, when it is known.
    public var commit: ObjectID? {
        switch self {
        case .upToDate(let id): id
        case .fastForwarded(_, let to): to
        case .blocked: nil
        }
    }
}

/// Why an update left a repository alone.
public enum UpdateBlock: Sendable, Hashable, CustomStringConvertible {
    /// The local branch has commits the upstream lacks (and possibly the reverse).
    case diverged(ahead: Int, behind: Int)
    /// Uncommitted changes (or untracked files the update would overwrite) are present; they are listed.
    case dirty(WorkTreeStatus)
    /// The branch has no upstream configured (or the upstream ref does not exist).
    case noUpstream
    /// HEAD is detached or unborn, so there is no branch to move.
    case noBranch

    public var description: String {
        switch self {
        case .diverged(let ahead, let behind): "diverged: \(ahead) ahead, \(behind) behind"
        case .dirty(let status): "local changes: \(status)"
        case .noUpstream: "no upstream branch"
        case .noBranch: "HEAD is not on a branch"
        }
    }
}
