import DeployGit
import Foundation
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One forge's HTTP transport: builds requests under an API base URL with the auth headers, sends them through
/// `URLSession` with a per-request timeout, waits out rate limits and retries server errors within
/// ``ForgeRetryPolicy``, and maps failures to ``ForgeError`` (never carrying the token). The model API of proposed
/// fixes rides on it too, named as such in its log lines and messages (``service``).
///
/// The headers (the token) go only to the base URL's origin: a redirect is followed (by this client, not by
/// `URLSession`) only within its scheme, host and port (``SameOriginRedirects``; any other is
/// ``ForgeError/Code/redirectRefused``), and a client that carries an
/// `Authorization` header refuses to send anything over plain `http` to a host that is not loopback
/// (``ForgeError/Code/insecureTransport``, before any connection).
struct ForgeHTTPClient: Sendable {
    /// An answer.
    struct Response: Sendable {
        var status: Int
        /// Header names lower-cased.
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    let baseURL: URL
    /// Headers sent with every request (authorization included; never logged).
    let headers: [String: String]
    let policy: ForgeRetryPolicy
    private let owner: SessionOwner
    var session: URLSession { owner.session }
    let logger: Logger
    /// The token, only to scrub it out of anything that could reach a message.
    private let secret: String
    /// What is on the other end, for log lines (`forge: waiting …`, `deploy.forge.*` metadata) and messages ("the
    /// forge failed"): `forge`, or `model` for the chat-completions API.
    let service: String
    /// The base URL's scheme, host and port: the only place the headers go.
    let origin: NetworkOrigin?
    /// Follows redirects within ``origin`` (and is the session's delegate, which declines all of them).
    private let redirectPolicy: SameOriginRedirects

    init(
        baseURL: URL, headers: [String: String], secret: String, policy: ForgeRetryPolicy, logger: Logger,
        service: String = "forge"
    ) {
        self.service = service
        self.baseURL = baseURL
        self.headers = headers
        self.secret = secret
        self.policy = policy
        self.logger = logger
        self.origin = NetworkOrigin(baseURL)
        self.redirectPolicy = SameOriginRedirects(origin: origin, service: service)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.requestTimeout.timeInterval
        configuration.timeoutIntervalForResource = policy.requestTimeout.timeInterval
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.owner = SessionOwner(
            URLSession(configuration: configuration, delegate: redirectPolicy, delegateQueue: nil))
    }

    /// Sends `method path` with an optional JSON body and returns the answer when its status is 2xx.
    ///
    /// - Parameter idempotent: whether the request may be sent again after a 5xx, a timeout or a network failure
    ///   (a rate-limit refusal is always retried: the forge did nothing).
    /// - Throws: ``ForgeError`` for non-2xx answers (after the retries), timeouts and network failures;
    ///   ``ForgeError/Code/insecureTransport`` (before connecting) when the token would go over plain `http` to a
    ///   host that is not loopback; ``ForgeError/Code/redirectRefused`` when the answer redirects to another origin.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], json: [String: any Sendable]? = nil,
        idempotent: Bool = true, accept: Set<Int> = []
    ) async throws(ForgeError) -> Response {
        let operation = "\(method) \(path)"
        if let origin, carriesCredentials, !origin.mayCarryCredentials {
            throw ForgeError(
                .insecureTransport,
                "refusing to send the \(service == "model" ? "key" : "token") to \(origin) over plain http: "
                    + "credentials go over http only to localhost, 127.0.0.0/8 or ::1; use https for \(origin.host)",
                operation: operation)
        }
        var serverRetries = 0
        var rateLimitRetries = 0
        while true {
            let response: Response
            do {
                response = try await once(method, path, query: query, json: json, operation: operation)
            } catch {
                guard idempotent, error.code == .timedOut || error.code == .network, serverRetries < policy.maxRetries
                else { throw error }
                try await wait(policy.backoff(serverRetries), operation: operation, reason: error.code.rawValue)
                serverRetries += 1
                continue
            }
            if (200..<300).contains(response.status) || accept.contains(response.status) { return response }
            if let limit = rateLimit(response) {
                let wait = limit ?? policy.defaultRateLimitWait
                guard rateLimitRetries < policy.maxRateLimitRetries, wait <= policy.maxRateLimitWait else {
                    throw failure(response, operation: operation, code: .rateLimited, retryAfter: wait)
                }
                try await self.wait(wait, operation: operation, reason: "rate limited (\(response.status))")
                rateLimitRetries += 1
                continue
            }
            if response.status >= 500, idempotent, serverRetries < policy.maxRetries {
                let wait = retryAfter(response) ?? policy.backoff(serverRetries)
                try await self.wait(
                    min(wait, policy.maxBackoff), operation: operation, reason: "status \(response.status)")
                serverRetries += 1
                continue
            }
            throw failure(response, operation: operation, retries: serverRetries)
        }
    }

    /// Decodes a JSON answer into `T`.
    func decode<T: Decodable>(_ type: T.Type, from response: Response, operation: String) throws(ForgeError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            let preview = String(decoding: response.body.prefix(120), as: UTF8.self)
            throw ForgeError(
                .malformedResponse,
                "the answer is not the JSON the API describes (\(describe(error))); it starts with \(quoted(scrub(preview)))",
                operation: operation, status: response.status)
        }
    }

    // MARK: One request

    private func once(
        _ method: String, _ path: String, query: [(String, String)], json: [String: any Sendable]?, operation: String
    ) async throws(ForgeError) -> Response {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw ForgeError(.invalidURL, "the API base URL is not a URL", operation: operation)
        }
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components.url else {
            throw ForgeError(.invalidURL, "cannot build the request URL", operation: operation)
        }
        var request = URLRequest(url: url, timeoutInterval: policy.requestTimeout.timeInterval)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue("deployctl", forHTTPHeaderField: "User-Agent")
        if let json {
            do { request.httpBody = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]) } catch {
                throw ForgeError(.invalidURL, "cannot encode the request body", operation: operation)
            }
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        var redirects = 0
        while true {
            let (data, http) = try await answer(to: request, operation: operation)
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            logger.debug(
                "\(service) request",
                metadata: [
                    "deploy.\(service).operation": "\(operation)", "deploy.\(service).status": "\(http.statusCode)",
                ])
            guard SameOriginRedirects.statuses.contains(http.statusCode), let location = headers["location"] else {
                return Response(status: http.statusCode, headers: headers, body: data)
            }
            switch redirectPolicy.followUp(to: request, status: http.statusCode, location: location) {
            case .request(let next) where redirects < SameOriginRedirects.maxRedirects:
                request = next
                redirects += 1
            case .request:
                throw ForgeError(
                    .redirectRefused, "more than \(SameOriginRedirects.maxRedirects) redirects", operation: operation,
                    status: http.statusCode)
            case .refused(let reason):
                throw ForgeError(.redirectRefused, reason, operation: operation, status: http.statusCode)
            }
        }
    }

    /// One exchange, its failures as ``ForgeError``.
    private func answer(to request: URLRequest, operation: String) async throws(ForgeError) -> (Data, HTTPURLResponse) {
        let (data, urlResponse): (Data, URLResponse)
        do {
            (data, urlResponse) = try await exchange(request)
        } catch let error as URLError {
            switch error.code {
            case .timedOut:
                throw ForgeError(
                    .timedOut, "no answer within \(policy.requestTimeout.timeInterval) s", operation: operation)
            case .cancelled:
                throw ForgeError(.cancelled, "the request was cancelled", operation: operation)
            default:
                throw ForgeError(
                    .network, "the request failed: \(scrub(error.localizedDescription))", operation: operation)
            }
        } catch {
            if Task.isCancelled { throw ForgeError(.cancelled, "the request was cancelled", operation: operation) }
            throw ForgeError(.network, "the request failed: \(scrub("\(error)"))", operation: operation)
        }
        guard let http = urlResponse as? HTTPURLResponse else {
            throw ForgeError(.malformedResponse, "the answer is not HTTP", operation: operation)
        }
        return (data, http)
    }

    /// One exchange, cancelled with the calling task, and given up after the request timeout even when the
    /// transport's own idle timer would not fire.
    private func exchange(_ request: URLRequest) async throws -> (Data, URLResponse) {
        let box = TaskBox()
        let timeout = policy.requestTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<(Data, URLResponse), any Error>) in
                let once = ResumeOnce(continuation)
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        once.resume(throwing: error)
                    } else if let response {
                        once.resume(returning: (data ?? Data(), response))
                    } else {
                        once.resume(throwing: URLError(.badServerResponse))
                    }
                }
                box.set(task)
                task.resume()
                // A hard deadline a little after the transport's timeout.
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout.timeInterval + 1) {
                    once.resume(throwing: URLError(.timedOut))
                    task.cancel()
                }
            }
        } onCancel: {
            box.cancel()
        }
    }

    // MARK: Rate limits and errors

    /// `nil` when the answer is not a rate limit; otherwise the wait it asks for (`.some(nil)`: no time given).
    private func rateLimit(_ response: Response) -> Duration?? {
        guard response.status == 429 || response.status == 403 else { return nil }
        if let wait = retryAfter(response) { return .some(wait) }
        if response.header("x-ratelimit-remaining") == "0" {
            if let reset = response.header("x-ratelimit-reset").flatMap(Double.init) {
                let seconds = max(1, reset - Date().timeIntervalSince1970)
                return .some(.milliseconds(Int64(seconds * 1000)))
            }
            return .some(nil)
        }
        if response.status == 429 { return .some(nil) }
        // A 403 is a rate limit only when the forge says so (GitHub's secondary limit).
        if let message = forgeMessage(response)?.lowercased(), message.contains("rate limit") { return .some(nil) }
        return nil
    }

    /// `Retry-After` in seconds (the HTTP-date form too).
    private func retryAfter(_ response: Response) -> Duration? {
        guard let value = response.header("retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value) { return .milliseconds(Int64(max(0, seconds) * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }

    private func wait(_ duration: Duration, operation: String, reason: String) async throws(ForgeError) {
        logger.info(
            "\(service): waiting before retrying",
            metadata: [
                "deploy.\(service).operation": "\(operation)", "deploy.\(service).reason": "\(reason)",
                "deploy.\(service).wait": "\(duration.timeInterval)",
            ])
        do { try await policy.sleep(duration) } catch {
            throw ForgeError(.cancelled, "cancelled while waiting to retry (\(reason))", operation: operation)
        }
    }

    /// The forge's `message` field of an error body (GitHub's `basic-error`/`validation-error`, Gitea's APIError).
    private func forgeMessage(_ response: Response) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            return response.header("message").map(scrub)
        }
        var message = object["message"] as? String
        if let errors = object["errors"] as? [[String: Any]] {
            let details = errors.compactMap { $0["message"] as? String ?? $0["code"] as? String }
            if !details.isEmpty {
                message = [message, details.joined(separator: "; ")].compactMap { $0 }.joined(separator: ": ")
            }
        }
        return message.map(scrub)
    }

    private func failure(
        _ response: Response, operation: String, code: ForgeError.Code? = nil, retryAfter: Duration? = nil,
        retries: Int = 0
    ) -> ForgeError {
        let forgeMessage = forgeMessage(response)
        let code =
            code
            ?? {
                switch response.status {
                case 401: .unauthorized
                case 403: .forbidden
                case 404: .notFound
                case 409: .conflict
                case 400, 422: .validationFailed
                case 500...: .server
                default: .unexpectedStatus
                }
            }()
        let sentence: String
        switch code {
        case .unauthorized: sentence = "the token was refused (missing, wrong or expired)"
        case .forbidden: sentence = "the token may not do this"
        case .notFound: sentence = "not found (or not visible to the token)"
        case .validationFailed: sentence = "the \(service) refused the request"
        case .rateLimited:
            sentence = "rate limited; the \(service) asks to wait \(retryAfter.map { "\($0.timeInterval) s" } ?? "a while")"
        case .server: sentence = retries > 0 ? "the \(service) failed (also on \(retries) retries)" : "the \(service) failed"
        default: sentence = "unexpected answer"
        }
        return ForgeError(
            code, forgeMessage.map { "\(sentence): \($0)" } ?? sentence, operation: operation, status: response.status,
            forgeMessage: forgeMessage, retryAfter: retryAfter)
    }

    /// Whether the headers hold a credential (an `Authorization` header with a value).
    private var carriesCredentials: Bool {
        headers.contains { $0.key.lowercased() == "authorization" && !$0.value.isEmpty }
    }

    private func scrub(_ text: String) -> String {
        secret.isEmpty ? text : text.replacingOccurrences(of: secret, with: "<redacted>")
    }
}

/// Owns a forge's `URLSession` and invalidates it when the last copy of the client goes away.
private final class SessionOwner: Sendable {
    let session: URLSession

    init(_ session: URLSession) { self.session = session }

    deinit { session.finishTasksAndInvalidate() }
}

/// The data task of one exchange, for the cancellation handler.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func set(_ task: URLSessionDataTask) {
        let cancel = lock.withLock { () -> Bool in
            self.task = task
            return cancelled
        }
        if cancel { task.cancel() }
    }

    func cancel() {
        let task = lock.withLock { () -> URLSessionDataTask? in
            cancelled = true
            return self.task
        }
        task?.cancel()
    }
}

/// Resumes a continuation at most once (the completion handler and the deadline race).
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }

    func resume(returning value: T) { take()?.resume(returning: value) }
    func resume(throwing error: any Error) { take()?.resume(throwing: error) }

    private func take() -> CheckedContinuation<T, any Error>? {
        lock.withLock {
            defer { continuation = nil }
            return continuation
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}

/// A decoding error in a short sentence.
private func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, let context):
        return "missing \(path(context.codingPath + [key]))"
    case DecodingError.typeMismatch(let type, let context):
        return "\(path(context.codingPath)) is not \(type)"
    case DecodingError.valueNotFound(let type, let context):
        return "\(path(context.codingPath)) is null, expected \(type)"
    case DecodingError.dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)) is corrupt"
    default:
        return "\(error)"
    }
}

private func path(_ keys: [any CodingKey]) -> String {
    keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}
