import DeployBuild
import DeployFeedback
import Foundation
import Logging
import Metrics

/// A client of an OpenAI-compatible chat-completions endpoint: `POST {base}/chat/completions` with
/// `Authorization: Bearer KEY` and ``ChatCompletionsRequest`` as the body.
///
/// Each request has a real deadline; a 429 answer is waited out (`Retry-After`, else a short wait) within the retry
/// policy. The key is sent in the header only and scrubbed from every message; it is never logged. It goes only to
/// the base URL's scheme, host and port: a redirect elsewhere is ``HTTPError/Code/redirectRefused``, and a plain
/// `http` base that is not loopback is ``HTTPError/Code/insecureTransport`` before anything is sent.
///
/// It is DeployFeedback's `ChatModel`: ``complete(_:)`` throws `FeedbackError` (code `model`, with this client's
/// ``HTTPError`` as the message, or `empty-answer`); ``send(_:)`` throws the ``HTTPError`` itself.
public struct ChatCompletionsClient: ChatModel {
    /// Settings of the client.
    public struct Options: Sendable {
        /// The model asked (`OPENAI_MODEL`).
        public var model: String
        /// How long one request may take before it fails with ``HTTPError/Code/timedOut``.
        public var timeout: Duration
        /// Times a rate-limited (429) request is sent again after waiting. Nothing else is sent again: a completion
        /// is not idempotent (a timed-out request may have been answered and billed); the next attempt asks anew.
        public var maxRetries: Int
        /// The longest wait a `Retry-After` may ask for; a longer one fails with ``HTTPError/Code/rateLimited``.
        public var maxRateLimitWait: Duration
        /// `temperature` sent with each request; `nil` leaves the endpoint's default.
        public var temperature: Double?
        /// Waits between retries; the default is `Task.sleep` (tests record the waits instead).
        public var sleep: @Sendable (Duration) async throws -> Void

        /// - Parameters:
        ///   - model: the model asked.
        ///   - timeout: the deadline of each request.
        ///   - maxRetries: retries of a rate-limited request.
        ///   - maxRateLimitWait: the longest rate-limit wait.
        ///   - temperature: sent when set.
        ///   - sleep: how waits are spent.
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
    private let http: HTTPTransport

    /// - Parameters:
    ///   - baseURL: the API base (`OPENAI_API_BASE`, e.g. `https://api.openai.com/v1`); requests go to
    ///     `{baseURL}/chat/completions`.
    ///   - apiKey: the key (`OPENAI_API_KEY`), sent as `Authorization: Bearer KEY` and nowhere else.
    ///   - options: model, timeout, retries.
    ///   - logger: receives one line per request (status) and per wait; never the key or the prompt.
    public init(baseURL: URL, apiKey: String, options: Options, logger: Logger = Logger(label: "deployctl.model")) {
        self.baseURL = baseURL
        self.options = options
        let policy = HTTPRetryPolicy(
            requestTimeout: options.timeout, maxRetries: options.maxRetries, initialBackoff: .seconds(1),
            maxBackoff: .seconds(30), maxRateLimitRetries: options.maxRetries,
            maxRateLimitWait: options.maxRateLimitWait, defaultRateLimitWait: .seconds(5), sleep: options.sleep)
        self.http = HTTPTransport(
            baseURL: baseURL, headers: ["Authorization": "Bearer \(apiKey)", "Accept": "application/json"],
            secrets: [apiKey], policy: policy, logger: logger, service: "model")
    }

    /// The model asked for (``Options/model``).
    public var model: String { options.model }

    /// Sends `messages` and returns the first choice's message (`ChatModel`).
    /// - Throws: `FeedbackError` code `model` for every ``HTTPError`` of ``send(_:)`` (its description is the
    ///   message), code `empty-answer` when the message is empty or the model refused.
    public func complete(_ messages: [ChatMessage]) async throws(FeedbackError) -> ChatCompletion {
        let answer: ChatCompletionsAnswer
        do { answer = try await send(messages) } catch { throw FeedbackError(.model, error.description) }
        guard let choice = answer.choices.first else {
            throw FeedbackError(.model, "malformed-response: POST /chat/completions: the answer has no choices")
        }
        let usage = answer.usage.map {
            TokenUsage(promptTokens: max(0, $0.promptTokens ?? 0), completionTokens: max(0, $0.completionTokens ?? 0))
        }
        if let usage {
            // Every answer counts, a proposal's and a commit message's, an empty one too (docs/http.md).
            Counter(label: "deployctl_model_tokens_total", dimensions: [("kind", "prompt")])
                .increment(by: Int64(usage.promptTokens))
            Counter(label: "deployctl_model_tokens_total", dimensions: [("kind", "completion")])
                .increment(by: Int64(usage.completionTokens))
        }
        let content = choice.message.content ?? ""
        guard !content.allSatisfy(\.isWhitespace) else {
            let refusal = choice.message.refusal.map { "; the model refused: \(quoted($0))" } ?? ""
            throw FeedbackError(
                .emptyAnswer,
                "the answer's message is empty (finish_reason \(choice.finishReason ?? "none"))\(refusal)")
        }
        return ChatCompletion(
            id: answer.id ?? "", model: answer.model ?? options.model, content: content,
            finishReason: choice.finishReason, usage: usage)
    }

    /// Sends `messages` and returns the endpoint's answer as it came (its message may be empty).
    ///
    /// - Throws: ``HTTPError``: ``HTTPError/Code/unauthorized`` (401, 403), ``HTTPError/Code/refused`` (another
    ///   4xx or 3xx), ``HTTPError/Code/rateLimited`` beyond the policy, ``HTTPError/Code/server``,
    ///   ``HTTPError/Code/timedOut``, ``HTTPError/Code/network``, ``HTTPError/Code/malformedResponse`` for an answer
    ///   that is not a `chat.completion` object or has no choice.
    public func send(_ messages: [ChatMessage]) async throws(HTTPError) -> ChatCompletionsAnswer {
        let body = ChatCompletionsRequest(model: options.model, messages: messages, temperature: options.temperature)
        let path = "/chat/completions"
        // Statuses other than 429 come back to be read here (the transport waits out rate limits).
        let accepted = Set(300..<500).subtracting([429])
        let response: HTTPTransport.Response
        do {
            response = try await http.send("POST", path, json: body, idempotent: false, accept: accepted)
        } catch {
            throw Self.reworded(error)
        }
        let url = http.scrubber.redacted(baseURL.appendingPathComponent(path))
        guard (200..<300).contains(response.status) else {
            let detail = http.serverMessage(response)
            let code: HTTPError.Code = [401, 403].contains(response.status) ? .unauthorized : .refused
            let sentence =
                code == .unauthorized
                ? "the endpoint refused the key (\(response.status))" : "the endpoint refused the request (\(response.status))"
            throw HTTPError(
                code, detail.map { "\(sentence): \($0)" } ?? sentence, method: "POST", url: url,
                status: response.status, expected: "a 2xx status", serverMessage: detail)
        }
        let answer: ChatCompletionsAnswer
        do {
            answer = try JSONDecoder().decode(ChatCompletionsAnswer.self, from: response.body)
        } catch {
            let preview = String(decoding: response.body.prefix(120), as: UTF8.self)
            throw HTTPError(
                .malformedResponse,
                "the answer is not a chat.completion object; it starts with \(quoted(http.scrubber.scrub(preview)))",
                method: "POST", url: url, status: response.status, expected: "a chat.completion object")
        }
        guard !answer.choices.isEmpty else {
            throw HTTPError(
                .malformedResponse, "the answer has no choices", method: "POST", url: url, status: response.status,
                expected: "a chat.completion object with a choice")
        }
        return answer
    }

    /// The transport's errors in the model's words: a rate limit says what the endpoint asked, and 401/403 that
    /// reached the transport are ``HTTPError/Code/unauthorized``.
    private static func reworded(_ error: HTTPError) -> HTTPError {
        switch error.code {
        case .rateLimited:
            let wait = error.retryAfter.map { "\($0.seconds) s" } ?? "an unspecified time"
            return HTTPError(
                .rateLimited, "rate limited (429); the endpoint asks to wait \(wait)", method: error.method,
                url: error.url, status: error.status, expected: error.expected, serverMessage: error.serverMessage,
                retryAfter: error.retryAfter)
        case .forbidden:
            return HTTPError(
                .unauthorized, error.message, method: error.method, url: error.url, status: error.status,
                expected: error.expected, serverMessage: error.serverMessage)
        default:
            return error
        }
    }
}
