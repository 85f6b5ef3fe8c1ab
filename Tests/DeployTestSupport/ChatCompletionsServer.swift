import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An OpenAI-compatible chat-completions server on 127.0.0.1, run by `chat-completions-server.py` (next to this
/// file, python3 standard library only).
///
/// It checks every request against the documented shapes (path, `Authorization: Bearer KEY`, `model`, `messages`,
/// no undocumented field, the size budget) and answers with scripted replies per kind of request (``Kind/fix`` or
/// ``Kind/commit``, told apart by the system message); ``report()`` returns what it recorded, so a test can expect
/// zero ``Report/violations``.
public final class ChatCompletionsServer: @unchecked Sendable {
    /// Which queue a request takes its reply from.
    public enum Kind: String, Sendable {
        /// A request for a fix (any request whose system message does not ask for a commit message).
        case fix
        /// A request for a commit message.
        case commit
    }

    /// One scripted reply.
    public enum Reply: Sendable {
        /// 200 with a `chat.completion` whose assistant message is this text; `usage` gives the answer's prompt and
        /// completion tokens (else they are derived from the sizes).
        case content(String, usage: (prompt: Int, completion: Int)? = nil)
        /// This status with OpenAI's error body and these headers (e.g. 429 with `Retry-After`).
        case status(Int, headers: [String: String] = [:], message: String = "error")
        /// Accept the request and answer nothing for this many seconds.
        case hang(seconds: Double)
        /// 200 with this body as is (a malformed answer).
        case raw(String)

        var json: [String: Any] {
            switch self {
            case .content(let text, let usage):
                usage.map { ["content": text, "usage": ["prompt_tokens": $0.prompt, "completion_tokens": $0.completion]] }
                    ?? ["content": text]
            case .status(let status, let headers, let message):
                ["status": status, "headers": headers, "error": message]
            case .hang(let seconds): ["hang": seconds]
            case .raw(let body): ["raw": body]
            }
        }
    }

    /// What the server saw.
    public struct Report: Sendable, Decodable {
        public struct Request: Sendable, Decodable {
            public struct Message: Sendable, Decodable {
                public var role: String
                public var content: String
            }
            public var kind: String
            /// The UTF-8 size of the messages' contents.
            public var bytes: Int
            public var model: String?
            public var messages: [Message]
            public var authorizationOK: Bool
            /// Whether the request carried an `Authorization` header at all (right or wrong).
            public var authorizationPresent: Bool

            enum CodingKeys: String, CodingKey {
                case kind, bytes, model, messages
                case authorizationOK = "authorization_ok"
                case authorizationPresent = "authorization_present"
            }

            /// The user messages, joined.
            public var userText: String { messages.filter { $0.role == "user" }.map(\.content).joined(separator: "\n") }
        }

        /// A request answered with the ``Redirect`` instead of being checked.
        public struct Redirected: Sendable, Decodable {
            public var method: String
            public var path: String
            /// Whether it carried an `Authorization` header.
            public var authorizationPresent: Bool

            enum CodingKeys: String, CodingKey {
                case method, path
                case authorizationPresent = "authorization_present"
            }
        }

        /// Every way a request failed the documented shapes; empty when all conformed.
        public var violations: [String]
        public var requests: [Request]
        public var redirected: [Redirected]
    }

    /// Requests whose path starts with ``prefix`` are answered with ``status`` and `Location: target + rest`,
    /// unchecked.
    public struct Redirect: Sendable {
        /// A path prefix, e.g. `/v1`.
        public var prefix: String
        /// An absolute URL prefix (another origin, e.g. `http://127.0.0.1:PORT/v1`), or a path on this server (`/v1`).
        public var target: String
        /// 301, 302, 307 or 308.
        public var status: Int

        public init(prefix: String, to target: String, status: Int = 307) {
            self.prefix = prefix
            self.target = target
            self.status = status
        }
    }

    public let port: Int
    public let key: String
    public let model: String
    private let process: ChildProcess

    /// The API base to configure (`OPENAI_API_BASE`).
    public var apiBase: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    /// Starts the server and waits until it reports its port.
    /// - Parameters:
    ///   - maxBytes: the size budget requests are checked against.
    ///   - redirect: a path prefix answered with a redirect instead of the API.
    public init(key: String, model: String, maxBytes: Int = 1 << 30, redirect: Redirect? = nil) throws {
        var arguments = ["--key", key, "--model", model, "--max-bytes", String(maxBytes)]
        if let redirect {
            arguments += [
                "--redirect", "\(redirect.prefix)=\(redirect.target)", "--redirect-status", String(redirect.status),
            ]
        }
        let (process, port) = try LocalServerProcess.launch(
            script: "chat-completions-server.py", arguments: arguments, environment: [:])
        self.process = process
        self.port = port
        self.key = key
        self.model = model
    }

    /// Appends replies to a kind's queue.
    public func script(_ kind: Kind, _ replies: [Reply]) async throws {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/__control")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: [kind.rawValue: replies.map(\.json)])
        _ = try await URLSession.shared.data(for: request)
    }

    /// Everything recorded so far.
    public func report() async throws -> Report {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/__report")!)
        return try JSONDecoder().decode(Report.self, from: data)
    }

    /// Stops the server (idempotent).
    public func stop() {
        if process.isRunning {
            process.send(SIGKILL)
            process.wait()
        }
    }

    deinit {
        stop()
    }
}
