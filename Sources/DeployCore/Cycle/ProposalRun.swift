import Foundation

/// What asking for fixes did for one repository (a cycle's proposal phase, or `apply-feedback --propose`).
public struct ProposalRun: Sendable, Codable, Hashable {
    public var repository: String
    /// The red commit fixes were asked for; `nil` when there was none.
    public var commit: String?
    /// The attempts made in this run, in order.
    public var attempts: [ProposalAttemptRecord]
    /// The feedback events of the proposal files (rejected at the proposal stage, or processed by the feedback path).
    public var feedback: [FeedbackEventRecord]
    /// Whether a proposed fix was published.
    public var fixed: Bool
    /// Whether the attempts for this commit are used up without a fix: deployctl stopped proposing for it.
    public var stopped: Bool
    /// One sentence on what happened.
    public var summary: String
}
