import Foundation

/// Why asking a model for a fix (or a commit message) failed: the endpoint's status and message, never the key.
///
/// Two kinds: the endpoint could not be used (``Code/timedOut``, ``Code/rateLimited``, ``Code/unauthorized``, …;
/// ``isAnswerFault`` is false), or it answered something that is not a usable fix (``Code/noDiff``,
/// ``Code/diffOutsideReport``; ``isAnswerFault`` is true). An answer fault becomes a rejection in `feedback/rejected/`
/// (see ``FeedbackError/Code/noDiff``); an endpoint failure is recorded as a failed attempt.
public struct ProposalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable name.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    public let code: Code
    /// A sentence for people; never holds the API key.
    public let message: String
    /// The HTTP status, when the endpoint answered.
    public let status: Int?
    /// The paths concerned (for ``Code/diffOutsideReport``: the paths outside the report's files).
    public let paths: [String]

    public init(_ code: Code, _ message: String, status: Int? = nil, paths: [String] = []) {
        self.code = code
        self.message = message
        self.status = status
        self.paths = paths
    }

    /// Whether the model answered but the answer is not a usable fix (so the attempt is a rejection, not a failure).
    public var isAnswerFault: Bool { [Code.noDiff, .diffOutsideReport, .emptyAnswer].contains(code) }

    public var description: String {
        var text = "\(code): \(message)"
        if let status, !message.contains("\(status)") { text += " (status \(status))" }
        return text
    }
}

extension ProposalError.Code {
    // MARK: The endpoint
    /// No answer within the request timeout.
    public static let timedOut = Self(rawValue: "timed-out")
    /// 429 (or a rate-limit 403) beyond the retries or the longest wait allowed.
    public static let rateLimited = Self(rawValue: "rate-limited")
    /// 401/403: the key was refused.
    public static let unauthorized = Self(rawValue: "unauthorized")
    /// Another 4xx: the endpoint refused the request (unknown model, context too long, …).
    public static let refused = Self(rawValue: "refused")
    /// 5xx.
    public static let server = Self(rawValue: "server-error")
    /// The connection failed.
    public static let network = Self(rawValue: "network")
    /// The answer is not the chat-completions JSON the API documents.
    public static let malformedResponse = Self(rawValue: "malformed-response")
    /// The base URL cannot be used.
    public static let invalidURL = Self(rawValue: "invalid-url")
    /// The calling task was cancelled.
    public static let cancelled = Self(rawValue: "cancelled")
    /// The endpoint redirected to another scheme, host or port than `OPENAI_API_BASE`'s; not followed, so the key was
    /// not sent there. The message names the target's origin.
    public static let redirectRefused = Self(rawValue: "redirect-refused")
    /// `OPENAI_API_BASE` is plain `http` to a host that is not loopback; nothing was sent.
    public static let insecureTransport = Self(rawValue: "insecure-transport")

    // MARK: The answer
    /// The answer's message is empty (or the model refused).
    public static let emptyAnswer = Self(rawValue: "empty-answer")
    /// The answer holds no unified diff: neither a fenced diff block nor an answer that is a diff as a whole.
    public static let noDiff = Self(rawValue: "no-diff")
    /// The diff touches files the build report does not involve.
    public static let diffOutsideReport = Self(rawValue: "diff-outside-report")
}

extension FeedbackError.Code {
    /// A proposed fix: the model's answer held no unified diff (recorded in `feedback/rejected/`, stage `propose`).
    public static let noDiff = Self(rawValue: "no-diff")
    /// A proposed fix: the model's diff touches files outside the build report's files (stage `propose`).
    public static let diffOutsideReport = Self(rawValue: "diff-outside-report")
}
