extension CycleRecord {
    /// What started a cycle, as the state store's `trigger` column and `status --json --history` spell it.
    ///
    /// The raw values are stored; they never change.
    public enum Trigger: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// `deployctl run-once` (and a library caller that does not say otherwise).
        case runOnce = "run-once"
        /// The first cycle of `deployctl loop`.
        case start
        /// `loop`: the interval (`DISPATCHER_INTERVAL`) passed.
        case interval
        /// `loop`: woken early, by SIGHUP or ``DispatcherService/wake()``.
        case wake
        /// `loop`: the previous cycle cancelled a build because a newer commit arrived; this one builds it.
        case superseded
        /// `loop`: a batch of feedback files processed beside the cycles (no repository was built).
        case feedback
        /// `loop`: a forge's push webhook named managed repositories (``DispatcherService/wake(repositories:)``);
        /// the cycle updates only those.
        case webhook

        /// The raw value, so that interpolation prints the stored spelling.
        public var description: String { rawValue }
    }
}
