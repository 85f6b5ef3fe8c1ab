import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test hook: named points of a cycle where the crash tests kill the process with `SIGKILL`.
///
/// Unarmed (the normal case) ``reach(_:)`` compares against a value read once and does nothing. The reliability
/// suite (`Tests/ReliabilityTests`) arms one point by starting the binary with `DEPLOYCTL_CRASH_AT=NAME` (the first
/// time NAME is reached) or `DEPLOYCTL_CRASH_AT=NAME@N` (the N-th time); the process then kills itself on the spot,
/// as a power cut or the OOM killer would, so that the next run has to recover. It lives in DeployBuild, the lowest
/// module DeployCore, DeployFeedback and DeployBuild all see. Documented in `docs/reliability.md`; not a
/// configuration variable.
public enum CrashPoint: String, Sendable, CaseIterable {
    /// One repository's fetch has finished while others may still be in flight (`Dispatcher`).
    case fetched
    /// A build or test step's process has started (`StepRunner`; `@1` is the build, `@2` the test).
    case stepRunning
    /// The cycle's log file has just been created (`CycleLog`).
    case logOpened
    /// Inside the state store's write transaction, before it commits (`SQLiteStateStore.record`).
    case stateWriting
    /// The cycle is recorded; log retention has not run yet (`Dispatcher`).
    case stateWritten
    /// Log retention has removed its first file (`BuildLogDirectory.prune`).
    case logRotating
    /// A feedback file has just been moved into `feedback/.inflight/` (`FeedbackInbox.claim`).
    case feedbackClaimed
    /// The patch is applied in the throwaway worktree, not committed yet (`FeedbackProcessor.apply`).
    case patchApplied
    /// The feedback commit exists in the worktree; the journal does not know it yet (`FeedbackProcessor.apply`).
    case patchCommitted
    /// The feedback commit has been pushed to the branch; the journal still says `committed` (`DirectPushPublisher`).
    case pushed
    /// A pull request is open and being polled for its merge (`PullRequestPublisher.waitForMerge`).
    case pullRequestWaiting
    /// The outcome record is written; the feedback file has not been moved out of `.inflight/` (`FeedbackInbox`).
    case feedbackRecorded

    /// The environment variable that arms a point.
    public static let environmentVariable = "DEPLOYCTL_CRASH_AT"

    /// The armed point and the reach count it fires at, read once.
    private static let armed: (point: CrashPoint, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty else { return nil }
        let parts = value.split(separator: "@", maxSplits: 1)
        guard let point = CrashPoint(rawValue: String(parts[0])) else { return nil }
        let count = parts.count == 2 ? Int(parts[1]) ?? 1 : 1
        return (point, max(1, count))
    }()

    private static let reached = Mutex<Int>(0)

    /// Kills the process with `SIGKILL` when `point` is the armed one and has been reached the armed number of times.
    @inline(__always)
    public static func reach(_ point: CrashPoint) {
        guard let armed, armed.point == point else { return }
        let count = reached.withLock { value -> Int in
            value += 1
            return value
        }
        guard count == armed.count else { return }
        kill(getpid(), SIGKILL)
    }
}
