extension FeedbackVerification {
    /// What verification found, as the records in `feedback/applied/` and `feedback/rejected/` spell it
    /// (`verification.outcome`).
    ///
    /// The raw values are stored; they never change.
    public enum Outcome: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// The patched tree built and its tests passed at the first attempt.
        case passed
        /// The build or a test failed (a flaky pass is a failure).
        case failed
        /// Verification was turned off (`DISPATCHER_VERIFY_FEEDBACK=0`).
        case skipped

        /// The raw value, so that interpolation prints the stored spelling.
        public var description: String { rawValue }
    }
}
