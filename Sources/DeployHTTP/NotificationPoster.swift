import Foundation
import Logging

/// Posts one notification (`DISPATCHER_NOTIFY_URL`): a JSON body, no credentials but what the URL itself holds,
/// redirects followed within its origin only, each exchange with a deadline, and bounded retries with back-off
/// after a 5xx, a timeout or a network failure. The URL (a Slack incoming-webhook URL is a secret) never appears in
/// a log line or an error.
public struct NotificationPoster: Sendable {
    let transport: HTTPTransport

    /// - Parameters:
    ///   - url: where notifications go.
    ///   - policy: the deadline and retries (default: 10 s an exchange, 3 retries backing off from 1 s to 8 s).
    public init(
        url: URL,
        policy: HTTPRetryPolicy = HTTPRetryPolicy(
            requestTimeout: .seconds(10), maxRetries: 3, initialBackoff: .seconds(1), maxBackoff: .seconds(8),
            maxRateLimitRetries: 1, maxRateLimitWait: .seconds(30)),
        logger: Logger
    ) {
        // The whole URL is the secret: scrubbing it keeps it out of everything the transport shows.
        transport = HTTPTransport(
            baseURL: url, headers: [:], secrets: [url.absoluteString, url.path].filter { $0.count > 1 },
            policy: policy, logger: logger, service: "notify")
    }

    /// Posts `body`; retried as the policy says (a notification is idempotent enough: a duplicate beats a loss).
    /// - Throws: ``HTTPError`` after the retries, without the URL in it.
    public func post(_ body: some Encodable & Sendable) async throws(HTTPError) {
        _ = try await transport.send("POST", "", json: body, idempotent: true)
    }
}
