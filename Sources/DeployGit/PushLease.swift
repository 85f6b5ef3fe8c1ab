/// What a push requires of the remote branch before it overwrites it.
public enum PushLease: Sendable, Hashable {
    /// A normal push: only a fast-forward of the remote branch is allowed.
    case fastForwardOnly
    /// Force-with-lease: overwrite the remote branch only if it still points at this commit.
    case expect(ObjectID)
    /// Force-with-lease for a new branch: push only if the remote branch does not exist.
    case expectAbsent
}
