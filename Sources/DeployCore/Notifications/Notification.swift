import Foundation

/// One transition worth telling people about, as `DISPATCHER_NOTIFY_FORMAT=json` posts it (docs/http.md).
public struct Notification: Sendable, Codable, Hashable {
    /// What happened.
    public enum Event: String, Sendable, Codable, Hashable, CaseIterable {
        /// A repository's build turned red (or was red the first time it was built).
        case repositoryRed = "repository.red"
        /// A red repository's build is green again.
        case repositoryGreen = "repository.green"
        case feedbackApplied = "feedback.applied"
        case feedbackRejected = "feedback.rejected"
        /// A rollout failed and the previous healthy release is current again.
        case deploymentRolledBack = "deployment.rolled-back"
        /// A rollout failed and no healthy release could be brought back.
        case deploymentFailed = "deployment.failed"
        /// No cycle finished for three intervals.
        case loopStalled = "loop.stalled"
    }

    public var event: Event
    public var repository: String?
    /// The commit concerned (the head built, the feedback's commit, the revision rolled out).
    public var revision: String?
    /// One sentence for people (what Slack shows).
    public var text: String
    /// When it happened, ISO 8601 in UTC.
    public var at: String

    public init(event: Event, repository: String?, revision: String?, text: String, at: Date = Date()) {
        self.event = event
        self.repository = repository
        self.revision = revision
        self.text = text
        self.at = ISO8601DateFormatter().string(from: at)
    }
}
