/// The one error type of DeployHTTP: why a forge or model request failed, with the request it concerns (method and
/// redacted URL), the status the server answered and what was expected instead — never a token or a key.
///
/// ``PullRequestPublisher`` turns it into a DeployFeedback `FeedbackError` (code `publish`, so the feedback file is
/// retried, not rejected) and ``ChatCompletionsClient``'s `ChatModel` conformance into code `model`; both keep this
/// error's ``description`` as their message.
public struct HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable name.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    public let code: Code
    /// A sentence for people; scrubbed of every secret the transport knows.
    public let message: String
    /// The request's method (`GET`, `POST`), when a request was being made.
    public let method: String?
    /// The request's URL without user, password or query (``SecretScrubber/redacted(_:)``), when there was one.
    public let url: String?
    /// The HTTP status, when the server answered.
    public let status: Int?
    /// What the client expected instead (`a 2xx status`, `a chat.completion object`), when it says more than the code.
    public let expected: String?
    /// The server's own `message` (a forge's error body, the model endpoint's `error.message`), scrubbed.
    public let serverMessage: String?
    /// For ``Code/rateLimited``: how long the server asked us to wait.
    public let retryAfter: Duration?

    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: a sentence for people (the caller scrubs it; ``HTTPTransport`` does for its own).
    ///   - method: the request's method.
    ///   - url: the request's URL, already redacted.
    ///   - status: the answer's status.
    ///   - expected: what was expected instead.
    ///   - serverMessage: the server's message.
    ///   - retryAfter: the wait a rate limit asked for.
    public init(
        _ code: Code, _ message: String, method: String? = nil, url: String? = nil, status: Int? = nil,
        expected: String? = nil, serverMessage: String? = nil, retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.method = method
        self.url = url
        self.status = status
        self.expected = expected
        self.serverMessage = serverMessage
        self.retryAfter = retryAfter
    }

    /// The request as `METHOD URL` (redacted), or what was being done when no request was made.
    public var operation: String {
        [method, url].compactMap { $0 }.joined(separator: " ")
    }

    /// Whether trying again later may succeed (rate limits, server errors, timeouts, network failures).
    public var isTransient: Bool {
        [Code.rateLimited, .server, .timedOut, .network].contains(code)
    }

    /// `code: METHOD URL answered STATUS (expected …): message (server says: …)`.
    public var description: String {
        var text = "\(code)"
        if !operation.isEmpty { text += ": \(operation)" }
        if let status { text += " answered \(status)" }
        if let expected { text += " (expected \(expected))" }
        text += ": \(message)"
        if let serverMessage, !message.contains(serverMessage) { text += " (server says: \(serverMessage))" }
        return text
    }
}

extension HTTPError.Code {
    // MARK: Answers
    /// 401: the token or key is missing, wrong or expired.
    public static let unauthorized = Self(rawValue: "unauthorized")
    /// 403 without a rate limit: the token lacks a permission.
    public static let forbidden = Self(rawValue: "forbidden")
    /// 404: no such repository or pull request (or the token may not see it).
    public static let notFound = Self(rawValue: "not-found")
    /// 409: a conflict (e.g. a head commit that moved).
    public static let conflict = Self(rawValue: "conflict")
    /// 422 (or Gitea's 400): the forge refused the request's content.
    public static let validationFailed = Self(rawValue: "validation-failed")
    /// Another 4xx from the model endpoint: it refused the request (unknown model, context too long, …).
    public static let refused = Self(rawValue: "refused")
    /// 429 (or a rate-limit 403) that lasts longer than the policy's longest wait, or persisted through the retries.
    public static let rateLimited = Self(rawValue: "rate-limited")
    /// 5xx after the bounded retries.
    public static let server = Self(rawValue: "server-error")
    /// Any other unexpected status.
    public static let unexpectedStatus = Self(rawValue: "unexpected-status")
    /// The answer is not the JSON the API describes, or is larger than the transport reads.
    public static let malformedResponse = Self(rawValue: "malformed-response")

    // MARK: The exchange
    /// No whole answer (head and body) within the request's deadline.
    public static let timedOut = Self(rawValue: "timed-out")
    /// The connection failed (refused, reset, DNS, TLS).
    public static let network = Self(rawValue: "network")
    /// The calling task was cancelled.
    public static let cancelled = Self(rawValue: "cancelled")
    /// The answer redirected to another scheme, host or port than the API base's (or changed a request's method);
    /// not followed, so the token was not sent there. The message names the target's origin.
    public static let redirectRefused = Self(rawValue: "redirect-refused")

    // MARK: Before sending
    /// A remote URL whose owner and repository cannot be read, or a bad API base URL.
    public static let invalidURL = Self(rawValue: "invalid-url")
    /// The API base is plain `http` to a host that is not loopback; nothing was sent (a token travels over http only
    /// to localhost, 127.0.0.0/8 or ::1).
    public static let insecureTransport = Self(rawValue: "insecure-transport")
    /// The request body could not be encoded as JSON.
    public static let encoding = Self(rawValue: "encoding")
}
