import Foundation

/// Where a repository's deployment stands: the revision that is current, how it got there, and the revisions that
/// are never deployed again. One per repository with a `deploy` block, in the state store; `status --json` shows it
/// as `deployment` (docs/status.md).
public struct DeploymentState: Sendable, Codable, Hashable {
    /// How the current revision's rollout ended, or that it has not ended.
    public enum State: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// A rollout is in flight (or was interrupted; the next run resumes it, see ``RolloutJournal``).
        case deploying
        /// The current release passed its health gate.
        case healthy
        /// The newest revision failed its gate and the previous healthy release is current again (and healthy).
        case rolledBack = "rolled-back"
        /// A release failed its gate and no healthy release could be brought back: nothing more is tried until a
        /// new revision arrives or a person runs `deployctl deploy` or `deployctl rollback`.
        case failed

        public var description: String { rawValue }
    }

    public var repository: String
    /// The revision `deploy/current/NAME` points at (being deployed while ``state`` is `deploying`).
    public var revision: String?
    /// The tree of ``revision``: a green revision with the same tree is not deployed again.
    public var tree: String?
    public var state: State
    /// The healthy revision before ``revision``: what a rollback returns to.
    public var previousRevision: String?
    /// Revisions that failed their gate and were rolled back: never deployed again (oldest first).
    public var blockedRevisions: [String]
    /// When the state last changed.
    public var at: Date
    /// How long the last gate took to see the release healthy (or to give up).
    public var healthSeconds: Double?
    /// The revision whose rollout failed and left the repository ``State/failed``: not tried again by a cycle.
    public var failedRevision: String?
    /// The evidence of the last rollback or failure (`deploy/logs/rollout-…md`), when there is one.
    public var report: String?
    /// The rollout in flight, written before each step that a crash could interrupt; nil when none is.
    public var journal: RolloutJournal?

    public init(
        repository: String, revision: String? = nil, tree: String? = nil, state: State,
        previousRevision: String? = nil, blockedRevisions: [String] = [], at: Date = Date(),
        healthSeconds: Double? = nil, failedRevision: String? = nil, report: String? = nil,
        journal: RolloutJournal? = nil
    ) {
        self.repository = repository
        self.revision = revision
        self.tree = tree
        self.state = state
        self.previousRevision = previousRevision
        self.blockedRevisions = blockedRevisions
        self.at = at
        self.healthSeconds = healthSeconds
        self.failedRevision = failedRevision
        self.report = report
        self.journal = journal
    }
}
