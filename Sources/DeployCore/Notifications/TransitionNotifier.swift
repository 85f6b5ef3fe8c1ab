import DeployBuild
import DeployHTTP
import Foundation
import Logging
import Synchronization

/// Tells people about transitions (`DISPATCHER_NOTIFY_URL`): a repository turning red or green again, feedback
/// applied or rejected, a rollout rolled back or failed, the loop stalled.
///
/// The loop hands it what it saw (``observe(_:)`` and the others, which only enqueue) and ``run()`` posts the
/// queue in order, in a task of its own: a slow or dead endpoint never holds up a cycle. Each post is retried a few
/// times with back-off; one that still fails is logged (without the URL) and dropped. At most ``queueLimit``
/// notifications wait; beyond that the oldest are dropped. Every text is redacted of the configuration's secrets.
public final class TransitionNotifier: Sendable {
    public static let queueLimit = 100

    private let poster: NotificationPoster
    private let format: NotificationFormat
    private let redactor: SecretRedactor
    private let logger: Logger
    /// Whether each repository's last build was green, as far as the notifier knows.
    private let green = Mutex<[String: Bool]>([:])
    private let stalledNotified = Mutex(false)
    private let notifications: AsyncStream<Notification>
    private let continuation: AsyncStream<Notification>.Continuation

    /// - Parameters:
    ///   - url: where to post.
    ///   - format: Slack's `{"text"}` or deployctl's JSON event.
    ///   - secrets: removed from every text.
    public init(url: URL, format: NotificationFormat, secrets: [String], logger: Logger) {
        poster = NotificationPoster(url: url, logger: logger)
        self.format = format
        redactor = SecretRedactor(secrets: secrets)
        self.logger = logger
        (notifications, continuation) = AsyncStream.makeStream(
            of: Notification.self, bufferingPolicy: .bufferingNewest(Self.queueLimit))
    }

    /// What the store knew before the loop started: a repository red then is not "turning red" at its next build.
    public func seed(_ states: [String: RepositoryState]) {
        green.withLock { known in
            for (name, state) in states {
                if let result = state.lastBuild?.buildResult { known[name] = result.passedEventually }
            }
        }
    }

    /// A finished cycle: builds that changed colour, its feedback, its rollouts.
    public func observe(_ report: CycleReport) {
        stalledNotified.withLock { $0 = false }
        for record in report.record.repositories where record.outcome == .built {
            guard let result = record.buildResult else { continue }
            let isGreen = result.passedEventually
            let before = green.withLock { known in
                defer { known[record.repository] = isGreen }
                return known[record.repository]
            }
            let short = record.head.map { String($0.prefix(10)) } ?? "?"
            if !isGreen, before != false {
                enqueue(
                    .repositoryRed, record.repository, record.head,
                    "\(record.repository) is red at \(short): \(record.summary)")
            } else if isGreen, before == false {
                enqueue(.repositoryGreen, record.repository, record.head, "\(record.repository) is green again at \(short)")
            }
        }
        observe(feedback: report.record.feedback)
        observe(deployments: report.deployments)
    }

    /// Feedback files' outcomes: applied and rejected ones are told.
    public func observe(feedback: [FeedbackEventRecord]) {
        for event in feedback {
            switch event.outcome {
            case .applied:
                enqueue(
                    .feedbackApplied, event.repository, event.commit,
                    "feedback \(event.file) applied to \(event.repository ?? "?"): \(event.detail)")
            case .rejected:
                enqueue(
                    .feedbackRejected, event.repository, nil,
                    "feedback \(event.file) rejected: \(event.detail)")
            case .deferred, .checked, .wouldReject:
                continue
            }
        }
    }

    /// Finished rollouts: rolled-back and failed ones are told.
    public func observe(deployments: [DeploymentRecord]) {
        for rollout in deployments {
            let short = String(rollout.revision.prefix(10))
            switch rollout.outcome {
            case .healthy:
                continue
            case .rolledBack:
                enqueue(
                    .deploymentRolledBack, rollout.repository, rollout.revision,
                    "\(rollout.repository) \(short) was rolled back to \(rollout.rolledBackTo.map { String($0.prefix(10)) } ?? "?"): "
                        + (rollout.failure ?? "its health gate failed"))
            case .failed:
                enqueue(
                    .deploymentFailed, rollout.repository, rollout.revision,
                    "\(rollout.repository) \(short) failed and no healthy release is running: "
                        + (rollout.failure ?? "its health gate failed"))
            }
        }
    }

    /// The loop has finished no cycle since `since`; told once until a cycle finishes.
    public func loopStalled(since: Date) {
        guard stalledNotified.withLock({ notified in defer { notified = true }; return !notified }) else { return }
        enqueue(
            .loopStalled, nil, nil,
            "deployctl loop has finished no cycle since \(ISO8601DateFormatter().string(from: since))")
    }

    /// Posts the queued notifications in order until the calling task is cancelled.
    public func run() async {
        for await notification in notifications {
            do {
                switch format {
                case .slack: try await poster.post(["text": notification.text])
                case .json: try await poster.post(notification)
                }
            } catch {
                logger.warning("notification \(notification.event.rawValue) not delivered: \(error.message)")
            }
        }
    }

    private func enqueue(_ event: Notification.Event, _ repository: String?, _ revision: String?, _ text: String) {
        let notification = Notification(
            event: event, repository: repository, revision: revision, text: redactor.redact(text))
        if case .dropped = continuation.yield(notification) {
            logger.warning("notification queue full: the oldest notification was dropped")
        }
    }
}
