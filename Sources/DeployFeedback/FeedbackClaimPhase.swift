/// How far a feedback file claimed into `feedback/.inflight/` got: its journal's phase, which the next run resumes
/// from, and what `status` shows as the file's `stage`.
///
/// The raw values are written to the journal log (`feedback/.inflight/.journal.jsonl`) and `status --json`; they never
/// change. Phases in order: ``claimed`` → ``applying`` → ``committed`` → ``published`` → ``finishing``.
public enum FeedbackClaimPhase: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    /// Nothing done to the repository yet (a claimed file without a journal).
    case claimed
    /// The change is being applied to the checkout.
    case applying
    /// A worktree commit exists and waits to be published.
    case committed
    /// Published; the restart (if any) comes next.
    case published
    /// The final record is chosen; only the file moves remain.
    case finishing

    /// The raw value, so that interpolation prints the stored spelling.
    public var description: String { rawValue }
}
