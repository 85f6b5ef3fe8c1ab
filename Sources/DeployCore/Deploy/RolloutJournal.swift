import Foundation

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
