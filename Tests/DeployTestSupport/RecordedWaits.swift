import Foundation

/// Waits asked of a retry policy or a publisher (their `sleep` functions), recorded instead of spent.
public final class RecordedWaits: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Duration] = []

    public init() {}

    public var all: [Duration] { lock.withLock { waits } }

    /// A sleep function that records the wait and returns at once (cancellation still ends it).
    public var sleep: @Sendable (Duration) async throws -> Void {
        { duration in
            self.lock.withLock { self.waits.append(duration) }
            try Task.checkCancellation()
            await Task.yield()
        }
    }
}
