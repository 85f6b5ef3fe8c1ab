import Foundation

/// The on-disk record of how far a claimed feedback file got, rewritten atomically at every phase change, so that a
/// process killed at any point can resume (or roll back) from the last phase written.
///
/// Phases in order: `claimed` (nothing done to the repository yet) → `applying` (the patch is being applied to the
/// real checkout; ``headBefore`` and ``paths`` say how to undo it) → `committed` (``commit`` is on the local branch) →
/// `published` → `finishing` (the final record is in ``outcome``; only file moves remain).
struct FeedbackJournal: Sendable, Codable {
    enum Phase: String, Sendable, Codable {
        case claimed, applying, committed, published, finishing
    }

    /// The final result, carried by the journal until the file and its record are in place.
    enum Outcome: Sendable, Codable {
        case applied(FeedbackResultRecord)
        case rejected(FeedbackRejection)
    }

    var file: String
    var phase: Phase
    /// How many times processing started for this file (environment failures are retried up to a limit).
    var attempts: Int
    var timings: FeedbackTimings
    var id: String?
    var repository: String?
    var branch: String?
    /// The branch tip before the patch was applied to the real checkout.
    var headBefore: String?
    /// The paths the patch touches (what to restore when rolling back an interrupted apply).
    var paths: [String]
    var commit: String?
    var threeWay: Bool
    var verification: FeedbackVerification?
    var publication: FeedbackPublication?
    /// Set when the restart command was started, so that a restart is never run twice.
    var restartStarted: Bool
    var restart: RestartOutcome?
    /// The destination name in `applied/` or `rejected/`, chosen when the phase becomes `finishing`.
    var destination: String?
    var outcome: Outcome?

    init(file: String, claimedAt: Date = Date()) {
        self.file = file
        self.phase = .claimed
        self.attempts = 0
        self.timings = FeedbackTimings(claimedAt: claimedAt)
        self.paths = []
        self.threeWay = false
        self.restartStarted = false
    }
}
