import Foundation

/// The record of how far a claimed feedback file got, appended to the ``FeedbackJournalLog`` at the phase changes
/// recovery needs, so that a process killed at any point resumes from the last phase written.
///
/// Not every phase is written: a claimed file without a journal is `claimed`; a commit made in `applying` is
/// recognised on the branch; a publish is repeated (pushing the same commit again changes nothing). What is always
/// written: `applying` before the checkout is touched, `committed` before a worktree commit is published, the restart
/// before it starts, and `finishing` with the final record.
///
/// Phases in order: `claimed` (nothing done to the repository yet) → `applying` (the change is being applied to the
/// checkout; ``headBefore``, ``paths`` and ``change`` say how to finish it) → `committed` (``commit`` exists) →
/// `published` → `finishing` (the final record is in ``outcome``; only file moves remain).
struct FeedbackJournal: Sendable, Codable {
    typealias Phase = FeedbackClaimPhase

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
    /// The branch tip the change was made on (the checkout's tip before the patch was applied).
    var headBefore: String?
    /// The tree the feedback commit must have, when it was computed in a worktree first.
    var expectedTree: String?
    /// Whether the commit was made in a worktree for a publisher (rather than in the checkout).
    var publishes: Bool
    /// The paths the patch touches (what to complete when resuming an interrupted apply).
    var paths: [String]
    /// The diff applied at the tip (the patch, or a three-way result), kept for resuming an interrupted apply.
    var change: String?
    /// The commit message, fixed once the change is verified (a generated one must not change on resume).
    var commitMessage: String?
    var commit: String?
    var threeWay: Bool
    var verification: FeedbackVerification?
    var publication: FeedbackPublication?
    /// Set when the restart command was started, so that a restart is never run twice.
    var restartStarted: Bool
    var restart: RestartOutcome?
    /// What happened to the checkout after publishing (fast-forwarded, or why not).
    var checkoutNote: String?
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
        self.publishes = false
        self.restartStarted = false
    }
}
