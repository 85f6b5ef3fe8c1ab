import Foundation

/// How long forge and model requests may take and how they wait out rate limits and server errors.
///
/// Waits go through ``sleep`` so that a test can record them instead of spending them; the caps keep every wait
/// bounded: a rate limit longer than ``maxRateLimitWait`` is thrown as ``HTTPError/Code/rateLimited`` (with
/// ``HTTPError/retryAfter``) for the caller to wait out between its own polls.
public struct HTTPRetryPolicy: Sendable {
    /// How long one exchange (connection, request, the whole answer; each redirect and retry has its own) may take
    /// before it fails with ``HTTPError/Code/timedOut``: a deadline, not an idle timer.
    public var requestTimeout: Duration
    /// Retries after a 5xx answer, a timeout or a network failure (idempotent requests only).
    public var maxRetries: Int
    /// The first back-off wait; doubled after each retry up to ``maxBackoff``.
    public var initialBackoff: Duration
    /// The longest back-off wait (and the longest `Retry-After` honoured after a 5xx).
    public var maxBackoff: Duration
    /// Times a rate-limited request is retried after waiting.
    public var maxRateLimitRetries: Int
    /// The longest rate-limit wait done inside one call.
    public var maxRateLimitWait: Duration
    /// The wait after a rate limit that names no time (GitHub: "at least one minute").
    public var defaultRateLimitWait: Duration
    /// Waits; the default is `Task.sleep` (so cancellation ends the wait).
    public var sleep: @Sendable (Duration) async throws -> Void

    /// The defaults suit a forge: 30 s a request, 3 retries, back-off from 1 s to 30 s, rate limits waited out up to
    /// 5 minutes (1 minute when the forge names no time).
    public init(
        requestTimeout: Duration = .seconds(30),
        maxRetries: Int = 3,
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(30),
        maxRateLimitRetries: Int = 3,
        maxRateLimitWait: Duration = .seconds(300),
        defaultRateLimitWait: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.requestTimeout = requestTimeout
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRateLimitRetries = maxRateLimitRetries
        self.maxRateLimitWait = maxRateLimitWait
        self.defaultRateLimitWait = defaultRateLimitWait
        self.sleep = sleep
    }

    /// The back-off before retry number `attempt` (0-based).
    func backoff(_ attempt: Int) -> Duration {
        var wait = initialBackoff
        for _ in 0..<min(attempt, 30) {
            wait = wait * 2
            if wait >= maxBackoff { return maxBackoff }
        }
        return min(wait, maxBackoff)
    }
}
