import Foundation

/// How long a repository that keeps failing (update or build) waits before the next attempt: exponential with
/// jitter, capped, reset by a success.
public struct BackoffPolicy: Sendable, Hashable {
    /// The delay after the first failure.
    public var base: TimeInterval
    /// The longest delay.
    public var cap: TimeInterval

    public init(base: TimeInterval = 30, cap: TimeInterval = 3600) {
        self.base = base
        self.cap = cap
    }

    /// The delay before the next attempt after `failures` failures in a row (0 → none).
    /// - Parameters:
    ///   - failures: failures in a row so far.
    ///   - jitter: a number in `0...1` (random in production); the delay is scaled into `50%...100%`.
    public func delay(afterFailures failures: Int, jitter: Double) -> TimeInterval {
        guard failures > 0 else { return 0 }
        let exponent = min(failures - 1, 30)
        let full = min(cap, base * pow(2, Double(exponent)))
        return full * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }
}
