/// A named place in deployctl's code where a ``FaultInjection`` plan may kill the process or stop the work.
///
/// The kill points (``killPoints``) are declared here, in DeployBuild, the lowest module DeployBuild, DeployFeedback
/// and DeployCore all see; each is reached by one `faults.reach(.name)` line in the type named in its comment. Other
/// modules add points of their own in extensions (DeployFeedback's journal phases, where a plan can halt). The raw
/// value is the name the test-only `deployctl-faults` executable accepts in its crash variable (docs/reliability.md).
public struct FaultPoint: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The point's name, e.g. `stepRunning`.
    public let rawValue: String

    /// A point named `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The name, so that interpolation prints it.
    public var description: String { rawValue }

    /// One repository's fetch has finished while others may still be in flight (`Dispatcher`).
    public static let fetched = FaultPoint(rawValue: "fetched")
    /// A build or test step's process has started (`StepRunner`; `@1` is the build, `@2` the test).
    public static let stepRunning = FaultPoint(rawValue: "stepRunning")
    /// The cycle's log file has just been created (`CycleLog`).
    public static let logOpened = FaultPoint(rawValue: "logOpened")
    /// Inside the state store's write transaction, before it commits (`SQLiteStateStore.record`).
    public static let stateWriting = FaultPoint(rawValue: "stateWriting")
    /// The cycle is recorded; log retention has not run yet (`Dispatcher`).
    public static let stateWritten = FaultPoint(rawValue: "stateWritten")
    /// Log retention has removed its first file (`BuildLogDirectory.prune`).
    public static let logRotating = FaultPoint(rawValue: "logRotating")
    /// A feedback file has just been moved into `feedback/.inflight/` (`FeedbackInbox.claim`).
    public static let feedbackClaimed = FaultPoint(rawValue: "feedbackClaimed")
    /// The patch is applied in the throwaway worktree, not committed yet (`FeedbackProcessor.apply`).
    public static let patchApplied = FaultPoint(rawValue: "patchApplied")
    /// The feedback commit exists in the worktree; the journal does not know it yet (`FeedbackProcessor.apply`).
    public static let patchCommitted = FaultPoint(rawValue: "patchCommitted")
    /// The feedback commit has been pushed to the branch; the journal still says `committed` (`DirectPushPublisher`).
    public static let pushed = FaultPoint(rawValue: "pushed")
    /// A pull request is open and being polled for its merge (`PullRequestPublisher.waitForMerge`).
    public static let pullRequestWaiting = FaultPoint(rawValue: "pullRequestWaiting")
    /// The outcome record is written; the feedback file has not been moved out of `.inflight/` (`FeedbackInbox`).
    public static let feedbackRecorded = FaultPoint(rawValue: "feedbackRecorded")

    /// `deploy/current/NAME` points at the release being rolled out; its deploy command has not run (`Rollout`).
    public static let rolloutSwitched = FaultPoint(rawValue: "rolloutSwitched")
    /// A release's deploy command has succeeded; its health gate is about to probe (`Rollout`; `@2` is the
    /// rollback's gate after a failed one).
    public static let rolloutGating = FaultPoint(rawValue: "rolloutGating")
    /// A failed release was switched back to the previous healthy one; its command has not run (`Rollout`).
    public static let rollbackSwitched = FaultPoint(rawValue: "rollbackSwitched")

    /// Every kill point, in the order a cycle reaches them; the crash suite (`Tests/ReliabilityTests`) fails when one
    /// of them is not exercised.
    public static let killPoints: [FaultPoint] = [
        .fetched, .logOpened, .stepRunning, .feedbackClaimed, .patchApplied, .patchCommitted, .pushed,
        .pullRequestWaiting, .feedbackRecorded, .stateWriting, .stateWritten, .logRotating, .rolloutSwitched,
        .rolloutGating, .rollbackSwitched,
    ]
}
