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

/// A rollout in flight, as far as it got: what the next run resumes after a crash.
public struct RolloutJournal: Sendable, Codable, Hashable {
    /// The step the rollout had reached.
    public enum Step: String, Sendable, Codable, Hashable {
        /// `deploy/current/NAME` points at the target; its command may not have run to its end.
        case switched
        /// The command succeeded; the gate was probing.
        case gating
        /// The target failed; `current` is being switched back to the fallback, whose command and gate follow.
        case rollingBack = "rolling-back"
        /// The fallback's command succeeded; its gate was probing.
        case gatingRollback = "gating-rollback"
    }

    /// The revision being rolled out.
    public var target: String
    public var targetTree: String?
    /// The healthy release to return to if the target fails; nil when there is none.
    public var fallback: String?
    public var step: Step
    /// What started it.
    public var trigger: DeploymentRecord.Trigger
    public var startedAt: Date
    /// Why the target failed, once it did (kept for the record when a rollback is resumed).
    public var failure: String?

    public init(
        target: String, targetTree: String?, fallback: String?, step: Step, trigger: DeploymentRecord.Trigger,
        startedAt: Date = Date(), failure: String? = nil
    ) {
        self.target = target
        self.targetTree = targetTree
        self.fallback = fallback
        self.step = step
        self.trigger = trigger
        self.startedAt = startedAt
        self.failure = failure
    }
}

/// One finished rollout, kept in the store's history (`status --deployments N`).
public struct DeploymentRecord: Sendable, Codable, Hashable {
    /// What started the rollout.
    public enum Trigger: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// A cycle found a green revision newer than the deployed one.
        case cycle
        /// `deployctl deploy NAME`.
        case deploy
        /// `deployctl rollback NAME`.
        case rollback

        public var description: String { rawValue }
    }

    /// How it ended.
    public enum Outcome: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// The revision passed its gate and is current.
        case healthy
        /// The revision failed; the previous healthy release is current and healthy again.
        case rolledBack = "rolled-back"
        /// The revision failed and no healthy release could be brought back.
        case failed

        public var description: String { rawValue }
    }

    public var repository: String
    public var revision: String
    /// The tree of ``revision``.
    public var tree: String?
    /// What was current before.
    public var previousRevision: String?
    public var trigger: Trigger
    /// Whether a crash interrupted the rollout and a later run finished it (``startedAt`` is when it began).
    public var resumed: Bool = false
    public var outcome: Outcome
    public var startedAt: Date
    public var finishedAt: Date
    /// The deploy command's time (the target's; a rollback's own command is in ``rollbackSeconds``).
    public var commandSeconds: Double?
    /// The gate's time for the target.
    public var healthSeconds: Double?
    /// The revision made current again by the rollback; nil when none was.
    public var rolledBackTo: String?
    /// The rollback's command and gate time.
    public var rollbackSeconds: Double?
    /// Why the target failed (`the health gate saw no 2xx answer within 60 s`, `deploy.sh exited with status 1`).
    public var failure: String?
    /// The gate's last probe: its answer (status and the start of the body) or the health command's last lines.
    public var lastProbe: String?
    /// The evidence kept for a failure: the command's output and the last probes (`deploy/logs/rollout-…md`).
    public var report: String?

    public init(
        repository: String, revision: String, tree: String? = nil, previousRevision: String?, trigger: Trigger,
        outcome: Outcome,
        startedAt: Date, finishedAt: Date, commandSeconds: Double? = nil, healthSeconds: Double? = nil,
        rolledBackTo: String? = nil, rollbackSeconds: Double? = nil, failure: String? = nil,
        lastProbe: String? = nil, report: String? = nil
    ) {
        self.repository = repository
        self.revision = revision
        self.tree = tree
        self.previousRevision = previousRevision
        self.trigger = trigger
        self.outcome = outcome
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.commandSeconds = commandSeconds
        self.healthSeconds = healthSeconds
        self.rolledBackTo = rolledBackTo
        self.rollbackSeconds = rollbackSeconds
        self.failure = failure
        self.lastProbe = lastProbe
        self.report = report
    }
}
