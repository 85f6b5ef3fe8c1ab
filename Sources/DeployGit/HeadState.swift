/// Where HEAD points.
public struct HeadState: Sendable, Hashable {
    /// The short branch name (`main`) when HEAD is attached to a branch (born or unborn).
    public var branch: String?
    /// The commit HEAD resolves to; nil when the branch is unborn.
    public var commit: ObjectID?
    /// HEAD points directly at a commit.
    public var isDetached: Bool
    /// HEAD names a branch that has no commit yet.
    public var isUnborn: Bool

    public init(branch: String?, commit: ObjectID?, isDetached: Bool, isUnborn: Bool) {
        self.branch = branch
        self.commit = commit
        self.isDetached = isDetached
        self.isUnborn = isUnborn
    }
}
