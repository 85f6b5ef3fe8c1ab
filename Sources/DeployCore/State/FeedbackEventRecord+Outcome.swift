extension FeedbackEventRecord {
    /// What became of one feedback file, as the state store's `feedbackEvent.outcome` column, `apply-feedback --json`
    /// and the cycle summary spell it.
    ///
    /// The raw values are stored; they never change.
    public enum Outcome: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// Committed (and published); the file is in `feedback/applied/`.
        case applied
        /// Rejected; the file is in `feedback/rejected/` beside its reason record.
        case rejected
        /// An environment failure interrupted it; it stays claimed and the next run resumes it.
        case deferred
        /// `--dry-run`: it would be applied.
        case checked
        /// `--dry-run`: it would be rejected.
        case wouldReject

        /// The raw value, so that interpolation prints the stored spelling.
        public var description: String { rawValue }
    }
}
