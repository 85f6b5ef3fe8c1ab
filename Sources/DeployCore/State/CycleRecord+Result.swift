extension CycleRecord {
    /// How a cycle ended, as the state store's `result` column, `status --json` (`loop.lastCycleResult`) and the
    /// cycle summary spell it.
    ///
    /// The raw values are stored; they never change. Versions before this type recorded a batch of feedback processed
    /// by `loop` with the result `feedback`, which is not a result; the state store reads such a row as what the
    /// batch's files came to (``init(feedback:cancelled:)``).
    public enum Result: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// Everything green (or unchanged and last green); every feedback file applied.
        case passed
        /// A build or test failed, or a feedback file was rejected (or would be, with `--dry-run`).
        case failed
        /// An infrastructure failure (an update, the cycle log, a deferred feedback file, a restart command that
        /// failed) with no build failure.
        case infrastructure
        /// The cycle was cancelled (graceful shutdown).
        case cancelled

        /// The result a cycle's exit status stands for (``CycleReport/exitStatus``: 0, 1 or 3).
        /// - Parameters:
        ///   - exitStatus: 0 green, 1 a failure, 3 an infrastructure failure.
        ///   - cancelled: whether the cycle was cancelled (which wins).
        init(exitStatus: Int32, cancelled: Bool) {
            self = cancelled ? .cancelled : exitStatus == 1 ? .failed : exitStatus == 3 ? .infrastructure : .passed
        }

        /// What a batch of feedback files came to, by the `apply-feedback` exit policy: ``failed`` when one was
        /// rejected (or would be); else ``infrastructure`` when one was deferred or its restart command failed; else
        /// ``passed``. ``cancelled`` when the batch was cancelled.
        public init(feedback: [FeedbackEventRecord], cancelled: Bool = false) {
            if cancelled {
                self = .cancelled
            } else if feedback.contains(where: { $0.outcome == .rejected || $0.outcome == .wouldReject }) {
                self = .failed
            } else if feedback.contains(where: { $0.outcome == .deferred || $0.restartFailure != nil }) {
                self = .infrastructure
            } else {
                self = .passed
            }
        }

        /// The spelling `feedback` that versions before this type stored for a feedback batch of `loop`.
        static let legacyFeedbackBatch = "feedback"

        /// Reads a stored result: one of the raw values, or the legacy `feedback` of a feedback batch, read as what
        /// that batch's files came to.
        /// - Parameters:
        ///   - stored: the stored spelling.
        ///   - feedback: the cycle's feedback records (used for the legacy spelling only).
        /// - Returns: nil for a spelling that is neither.
        init?(stored: String, feedback: [FeedbackEventRecord]) {
            if let result = Self(rawValue: stored) {
                self = result
            } else if stored == Self.legacyFeedbackBatch {
                self.init(feedback: feedback)
            } else {
                return nil
            }
        }

        /// The raw value, so that interpolation prints the stored spelling.
        public var description: String { rawValue }
    }
}
