extension DispatcherHealth {
    /// What `deployctl loop` is doing, as its health record spells it.
    ///
    /// The raw values are stored; they never change.
    public enum Phase: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// A cycle is running.
        case running
        /// Waiting for the next cycle (``DispatcherHealth/nextCycleAt``).
        case sleeping
        /// The loop stopped (graceful shutdown).
        case stopped

        /// The raw value, so that interpolation prints the stored spelling.
        public var description: String { rawValue }
    }
}
