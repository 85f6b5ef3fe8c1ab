import Foundation
import Logging

/// A client of an OpenAI-compatible chat-completions endpoint: `POST {base}/chat/completions` with
/// `Authorization: Bearer KEY` and `{"model", "messages": [{"role", "content"}]}`.
///
/// Each request has a hard timeout; a 429 (or a 5xx) answer is waited out (`Retry-After`, else a back-off) within the
/// retry policy. The key is sent in the header only and scrubbed from every message; it is never logged. It goes only
/// to the base URL's scheme, host and port: a redirect elsewhere is ``ProposalError/Code/redirectRefused``, and a
/// plain `http` base that is not loopback is ``ProposalError/Code/insecureTransport`` before anything is sent.
public struct ChatCompletionsClient: Sendable {
    /// Settings of the client.
    public struct Options: Sendable {
        /// The model asked (`OPENAI_MODEL`).
        public var model: String
        /// How long one request may take before it fails with ``ProposalError/Code/timedOut``.
        public var timeout: Duration
        /// Times a rate-limited (429) request is sent again after waiting. Nothing else is sent again: a completion
        /// is not idempotent (a timed-out request may have been answered and billed); the next attempt asks anew.
        public var maxRetries: Int
        /// The longest wait a `Retry-After` may ask for; a longer one fails with ``ProposalError/Code/rateLimited``.
        public var maxRateLimitWait: Duration
        /// `temperature` sent with each request; `nil` leaves the endpoint's default.
        public var temperature: Double?
        /// Waits between retries; the default is `Task.sleep` (tests record the waits instead).
        public var sleep: @Sendable (Duration) async throws -> Void

        public init(
            model: String, timeout: Duration = .seconds(120), maxRetries: Int = 2,
            maxRateLimitWait: Duration = .seconds(120), temperature: Double? = nil,
            sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
        ) {
            self.model = model
            self.timeout = timeout
            self.maxRetries = maxRetries
            self.maxRateLimitWait = maxRateLimitWait
            self.temperature = temperature
            self.sleep = sleep
        }
    }

    public let baseURL: URL
    public let options: Options
    private let http: ForgeHTTPClient

    /// - Parameters:
    ///   - baseURL: the API base (`OPENAI_API_BASE`, e.g. `https://api.openai.com/v1`); requests go to
    ///     `{baseURL}/chat/completions`.
    ///   - apiKey: the key (`OPENAI_API_KEY`), sent as `Authorization: Bearer KEY` and nowhere else.
    ///   - options: model, timeout, retries.
    ///   - logger: receives one line per request (status, duration) and per wait; never the key or the prompt.
    public init(baseURL: URL, apiKey: String, options: Options, logger: Logger = Logger(label: "deployctl.model")) {
        self.baseURL = baseURL
        self.options = options
        let policy = ForgeRetryPolicy(
            requestTimeout: options.timeout, maxRetries: options.maxRetries, initialBackoff: .seconds(1),
            maxBackoff: .seconds(30), maxRateLimitRetries: options.maxRetries,
            maxRateLimitWait: options.maxRateLimitWait, defaultRateLimitWait: .seconds(5), sleep: options.sleep)
        self.http = ForgeHTTPClient(
            baseURL: baseURL,
            headers: ["Authorization": "Bearer \(apiKey)", "Accept": "application/json"],
            secret: apiKey, policy: policy, logger: logger, service: "model")
    }

    /// Sends `messages` and returns the first choice's message.
    ///
    /// - Throws: ``ProposalError`` for timeouts, refused keys, rate limits beyond the policy, other non-2xx answers,
    ///   network failures and answers that are not the documented JSON; ``ProposalError/Code/emptyAnswer`` when the
    ///   message is empty.
    public func complete(_ messages: [ChatMessage]) async throws(ProposalError) -> ChatCompletion {
        var body: [String: any Sendable] = [
            "model": options.model,
            "messages": messages.map { ["role": $0.role, "content": $0.content] },
        ]
        if let temperature = options.temperature { body["temperature"] = temperature }
        // Statuses other than 429 come back to be read here (the transport waits out rate limits).
        let accepted = Set(300..<500).subtracting([429])
        let response: ForgeHTTPClient.Response
        do {
            response = try await http.send("POST", "/chat/completions", json: body, idempotent: false, accept: accepted)
        } catch {
            throw Self.map(error)
        }
        guard (200..<300).contains(response.status) else {
            let detail = Self.errorMessage(response.body).map { ": \($0)" } ?? ""
            switch response.status {
            case 401, 403:
                throw ProposalError(
                    .unauthorized, "the endpoint refused the key (\(response.status))\(scrubbed(detail))",
                    status: response.status)
            default:
                throw ProposalError(
                    .refused, "the endpoint refused the request (\(response.status))\(scrubbed(detail))",
                    status: response.status)
            }
        }
        let answer: Answer
        do { answer = try JSONDecoder().decode(Answer.self, from: response.body) } catch {
            let preview = String(decoding: response.body.prefix(120), as: UTF8.self)
            throw ProposalError(
                .malformedResponse,
                "the answer is not a chat.completion object; it starts with \(quoted(scrubbed(preview)))",
                status: response.status)
        }
        guard let choice = answer.choices.first else {
            throw ProposalError(.malformedResponse, "the answer has no choices", status: response.status)
        }
        let content = choice.message.content ?? ""
        guard !content.allSatisfy(\.isWhitespace) else {
            let refusal = choice.message.refusal.map { "; the model refused: \(quoted($0))" } ?? ""
            throw ProposalError(
                .emptyAnswer,
                "the answer's message is empty (finish_reason \(choice.finishReason ?? "none"))\(refusal)",
                status: response.status)
        }
        return ChatCompletion(
            id: answer.id ?? "", model: answer.model ?? options.model, content: content,
            finishReason: choice.finishReason)
    }

    /// The documented answer shape (only the fields read).
    private struct Answer: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var role: String?
                var content: String?
                var refusal: String?
            }
            var index: Int?
            var message: Message
            var finishReason: String?

            enum CodingKeys: String, CodingKey {
                case index, message
                case finishReason = "finish_reason"
            }
        }
        var id: String?
        var object: String?
        var model: String?
        var choices: [Choice]
    }

    /// OpenAI's error body: `{"error": {"message", "type", "code"}}` (some compatible servers: `{"message"}`).
    private static func errorMessage(_ body: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
            return String(message.prefix(300))
        }
        if let message = object["message"] as? String { return String(message.prefix(300)) }
        if let error = object["error"] as? String { return String(error.prefix(300)) }
        return nil
    }

    private func scrubbed(_ text: String) -> String {
        // The transport scrubs its own messages; bodies read here are scrubbed the same way.
        http.headers["Authorization"].map { header in
            let key = String(header.dropFirst("Bearer ".count))
            return key.isEmpty ? text : text.replacingOccurrences(of: key, with: "<redacted>")
        } ?? text
    }

    private static func map(_ error: ForgeError) -> ProposalError {
        let code: ProposalError.Code =
            switch error.code {
            case .timedOut: .timedOut
            case .rateLimited: .rateLimited
            case .server: .server
            case .network: .network
            case .cancelled: .cancelled
            case .invalidURL: .invalidURL
            case .redirectRefused: .redirectRefused
            case .insecureTransport: .insecureTransport
            case .unauthorized, .forbidden: .unauthorized
            default: .refused
            }
        var message = error.message.replacingOccurrences(of: "the forge", with: "the endpoint")
        if code == .rateLimited {
            let wait = error.retryAfter.map { "\($0.timeInterval) s" } ?? "an unspecified time"
            message = "rate limited (429); the endpoint asks to wait \(wait)"
        }
        return ProposalError(code, message, status: error.status)
    }
}
