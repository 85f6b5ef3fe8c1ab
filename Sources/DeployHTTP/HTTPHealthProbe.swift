import Foundation
import Logging

/// One probe of a release's health URL (a manifest's `deploy.health.url`): a `GET` whose answer is healthy when its
/// status is 2xx. No credentials are sent, redirects are followed within the URL's origin only, and the whole
/// exchange has a deadline.
public struct HTTPHealthProbe: Sendable {
    /// What one probe saw.
    public struct Answer: Sendable, Hashable {
        /// The answer's status; nil when there was no answer.
        public var status: Int?
        /// The start of the answer's body, or why there was no answer (`connection refused`, `timed out`).
        public var excerpt: String

        /// Whether the status is 2xx.
        public var isHealthy: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    /// The most of an answer's body kept for the record.
    public static let excerptBytes = 512

    let url: URL
    let logger: Logger

    public init(url: URL, logger: Logger = Logger(label: "deployctl")) {
        self.url = url
        self.logger = logger
    }

    /// Sends one `GET`; a refused connection, a timeout or a broken answer is an unhealthy answer, not a throw.
    public func probe(timeout: Duration) async -> Answer {
        let transport = HTTPTransport(
            baseURL: url, headers: [:], secrets: [],
            policy: HTTPRetryPolicy(requestTimeout: timeout, maxRetries: 0, maxRateLimitRetries: 0), logger: logger,
            service: "health")
        do {
            let response = try await transport.send("GET", "", accept: Set(100..<600))
            let text = String(decoding: response.body.prefix(Self.excerptBytes), as: UTF8.self)
            return Answer(status: response.status, excerpt: text)
        } catch {
            return Answer(status: nil, excerpt: error.message)
        }
    }
}
