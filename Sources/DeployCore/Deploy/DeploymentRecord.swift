import Foundation

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
