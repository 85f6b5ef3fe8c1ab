import Foundation

/// Why a forge API call failed: the HTTP status and the forge's own message, never the token.
///
/// The forge layer's error; ``PullRequestPublisher`` turns it into a ``FeedbackError`` (``FeedbackError/Code/publish``,
/// so the feedback file is retried, not rejected).
public struct ForgeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable name.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    public let code: Code
    /// The call, as `METHOD /path` (no host, no query, no token).
    public let operation: String
    /// The HTTP status, when the forge answered.
    public let status: Int?
    /// The forge's `message` field, when its error body had one.
    public let forgeMessage: String?
    /// A sentence for people.
    public let message: String
    /// For ``Code/rateLimited``: how long the forge asked us to wait.
    public let retryAfter: Duration?

    public init(
        _ code: Code, _ message: String, operation: String, status: Int? = nil, forgeMessage: String? = nil,
        retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.operation = operation
        self.status = status
        self.forgeMessage = forgeMessage
        self.retryAfter = retryAfter
    }

    /// Whether trying again later may succeed (rate limits, server errors, timeouts, network failures).
    public var isTransient: Bool {
        [Code.rateLimited, .server, .timedOut, .network].contains(code)
    }

    public var description: String {
        var text = "\(code): \(operation)"
        if let status { text += " answered \(status)" }
        text += ": \(message)"
        if let forgeMessage, !message.contains(forgeMessage) { text += " (forge says: \(forgeMessage))" }
        return text
    }
}

extension ForgeError.Code {
    /// 401: the token is missing, wrong or expired.
    public static let unauthorized = Self(rawValue: "unauthorized")
    /// 403 without a rate limit: the token lacks a permission.
    public static let forbidden = Self(rawValue: "forbidden")
    /// 404: no such repository or pull request (or the token may not see it).
    public static let notFound = Self(rawValue: "not-found")
    /// 409: a conflict (e.g. a head commit that moved).
    public static let conflict = Self(rawValue: "conflict")
    /// 422 (or Gitea's 400): the forge refused the request's content.
    public static let validationFailed = Self(rawValue: "validation-failed")
    /// 429/403 rate limit that lasts longer than the configured wait, or that persisted through the retries.
    public static let rateLimited = Self(rawValue: "rate-limited")
    /// 5xx after the bounded retries.
    public static let server = Self(rawValue: "server-error")
    /// The forge did not answer within the request timeout.
    public static let timedOut = Self(rawValue: "timed-out")
    /// The connection failed (refused, reset, DNS).
    public static let network = Self(rawValue: "network")
    /// The answer is not the JSON the API describes.
    public static let malformedResponse = Self(rawValue: "malformed-response")
    /// Any other unexpected status.
    public static let unexpectedStatus = Self(rawValue: "unexpected-status")
    /// A remote URL whose owner and repository cannot be read, or a bad API base URL.
    public static let invalidURL = Self(rawValue: "invalid-url")
    /// The waiting task was cancelled.
    public static let cancelled = Self(rawValue: "cancelled")
    /// The answer redirected to another scheme, host or port than the API base's; not followed, so the token was not
    /// sent there. The message names the target's origin.
    public static let redirectRefused = Self(rawValue: "redirect-refused")
    /// The API base is plain `http` to a host that is not loopback; nothing was sent (a token travels over http only
    /// to localhost, 127.0.0.0/8 or ::1).
    public static let insecureTransport = Self(rawValue: "insecure-transport")
}
