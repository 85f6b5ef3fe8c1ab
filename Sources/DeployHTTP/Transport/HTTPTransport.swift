import DeployBuild
import AsyncHTTPClient
import DeployGit
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The one HTTP transport of the forges and the model endpoint, on AsyncHTTPClient: builds requests under an API base
/// URL with the auth headers, gives every exchange a real deadline, waits out rate limits and retries server errors
/// within ``HTTPRetryPolicy``, and maps failures to ``HTTPError`` (never carrying the token).
///
/// The headers (the token) go only to the base URL's origin: the `HTTPClient` follows no redirect, and this
/// transport follows one only within the base's scheme, host and port (``SameOriginRedirects``; any other is
/// ``HTTPError/Code/redirectRefused``). A transport that carries an `Authorization` header refuses to send anything
/// over plain `http` to a host that is not loopback (``HTTPError/Code/insecureTransport``, before any connection).
struct HTTPTransport: Sendable {
    /// An answer.
    struct Response: Sendable {
        var status: Int
        /// Header names lower-cased; repeated headers joined with `, `.
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// The largest answer body read; a larger one is ``HTTPError/Code/malformedResponse``.
    static let maxBodyBytes = 16 * 1024 * 1024

    let baseURL: URL
    /// Headers sent with every request (authorization included; never logged).
    let headers: [String: String]
    let policy: HTTPRetryPolicy
    let logger: Logger
    /// Removes the credentials from every message and URL shown.
    let scrubber: SecretScrubber
    /// What is on the other end, for log lines (`forge: waiting …`, `deploy.forge.*` metadata) and messages: `forge`,
    /// or `model` for the chat-completions API.
    let service: String
    /// The base URL's scheme, host and port: the only place the headers go.
    let origin: NetworkOrigin?
    private let redirects: SameOriginRedirects
    private let client: HTTPClient

    /// - Parameters:
    ///   - baseURL: the API root; request paths are appended to its path.
    ///   - headers: sent with every request.
    ///   - secrets: the credentials in `headers`, scrubbed from everything shown.
    ///   - policy: the deadline, retries and rate-limit waits.
    ///   - logger: one debug line per exchange, one info line per wait.
    ///   - service: `forge` or `model`.
    init(
        baseURL: URL, headers: [String: String], secrets: [String], policy: HTTPRetryPolicy, logger: Logger,
        service: String = "forge"
    ) {
        self.baseURL = baseURL
        self.headers = headers
        self.policy = policy
        self.logger = logger
        self.scrubber = SecretScrubber(secrets: secrets)
        self.service = service
        self.origin = NetworkOrigin(baseURL)
        self.redirects = SameOriginRedirects(origin: origin, service: service)
        self.client = .withoutRedirects
    }

    /// Sends `method path` with `body` encoded as JSON and returns the answer when its status is 2xx (or in `accept`).
    /// - Throws: what ``send(_:_:query:body:idempotent:accept:)`` throws; ``HTTPError/Code/encoding`` when the body
    ///   cannot be encoded.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], json: some Encodable & Sendable,
        idempotent: Bool = true, accept: Set<Int> = []
    ) async throws(HTTPError) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(json) } catch {
            throw HTTPError(
                .encoding, "cannot encode the request body: \(scrubber.scrub("\(error)"))", method: method,
                url: scrubber.redacted(baseURL.appendingPathComponent(path)))
        }
        return try await send(method, path, query: query, body: data, idempotent: idempotent, accept: accept)
    }

    /// Sends `method path` with an optional JSON `body` and returns the answer when its status is 2xx.
    ///
    /// - Parameter idempotent: whether the request may be sent again after a 5xx, a timeout or a network failure
    ///   (a rate-limit refusal is always retried: the server did nothing).
    /// - Parameter accept: other statuses returned as answers instead of thrown.
    /// - Throws: ``HTTPError`` for other answers (after the retries), timeouts and network failures;
    ///   ``HTTPError/Code/insecureTransport`` (before connecting) when the token would go over plain `http` to a
    ///   host that is not loopback; ``HTTPError/Code/redirectRefused`` when the answer redirects to another origin.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil, idempotent: Bool = true,
        accept: Set<Int> = []
    ) async throws(HTTPError) -> Response {
        let url = try requestURL(method, path, query: query)
        let shown = scrubber.redacted(url)
        if let origin, carriesCredentials, !origin.mayCarryCredentials {
            throw HTTPError(
                .insecureTransport,
                "refusing to send the \(service == "model" ? "key" : "token") to \(origin) over plain http: "
                    + "credentials go over http only to localhost, 127.0.0.0/8 or ::1; use https for \(origin.host)",
                method: method, url: shown)
        }
        var serverRetries = 0
        var rateLimitRetries = 0
        while true {
            let response: Response
            do {
                response = try await followingRedirects(method, url, body: body)
            } catch {
                guard idempotent, error.code == .timedOut || error.code == .network, serverRetries < policy.maxRetries
                else { throw error }
                try await wait(policy.backoff(serverRetries), method: method, url: shown, reason: error.code.rawValue)
                serverRetries += 1
                continue
            }
            if (200..<300).contains(response.status) || accept.contains(response.status) { return response }
            if let limit = rateLimit(response) {
                let wait = limit ?? policy.defaultRateLimitWait
                guard rateLimitRetries < policy.maxRateLimitRetries, wait <= policy.maxRateLimitWait else {
                    throw failure(response, method: method, url: shown, code: .rateLimited, retryAfter: wait)
                }
                try await self.wait(wait, method: method, url: shown, reason: "rate limited (\(response.status))")
                rateLimitRetries += 1
                continue
            }
            if response.status >= 500, idempotent, serverRetries < policy.maxRetries {
                let wait = retryAfter(response) ?? policy.backoff(serverRetries)
                try await self.wait(
                    min(wait, policy.maxBackoff), method: method, url: shown, reason: "status \(response.status)")
                serverRetries += 1
                continue
            }
            throw failure(response, method: method, url: shown, retries: serverRetries)
        }
    }

    /// Decodes a JSON answer into `T`.
    /// - Parameter method: the request's method, and `path` its path, for the error.
    func decode<T: Decodable>(_ type: T.Type, from response: Response, method: String, path: String)
        throws(HTTPError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            let preview = String(decoding: response.body.prefix(120), as: UTF8.self)
            throw HTTPError(
                .malformedResponse,
                "the answer is not the JSON the API describes (\(describe(error))); it starts with "
                    + quoted(scrubber.scrub(preview)),
                method: method, url: scrubber.redacted(baseURL.appendingPathComponent(path)), status: response.status,
                expected: "JSON the API describes")
        }
    }

    // MARK: One request

    private func requestURL(_ method: String, _ path: String, query: [(String, String)]) throws(HTTPError) -> URL {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw HTTPError(.invalidURL, "the API base URL is not a URL", method: method)
        }
        var basePath = components.percentEncodedPath
        while basePath.hasSuffix("/") { basePath.removeLast() }
        components.percentEncodedPath = basePath + path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components.url else {
            throw HTTPError(.invalidURL, "cannot build the request URL", method: method, url: scrubber.redacted(baseURL))
        }
        return url
    }

    /// One request, its same-origin redirects followed (each exchange with a deadline of its own).
    private func followingRedirects(_ method: String, _ start: URL, body: Data?) async throws(HTTPError) -> Response {
        var url = start
        var followed = 0
        while true {
            let response = try await exchange(method, url, body: body)
            logger.debug(
                "\(service) request",
                metadata: [
                    "deploy.\(service).operation": "\(method) \(scrubber.redacted(url))",
                    "deploy.\(service).status": "\(response.status)",
                ])
            guard SameOriginRedirects.statuses.contains(response.status), let location = response.header("location")
            else { return response }
            switch redirects.followUp(method: method, from: url, status: response.status, location: location) {
            case .follow(let next) where followed < SameOriginRedirects.maxRedirects:
                url = next
                followed += 1
            case .follow:
                throw HTTPError(
                    .redirectRefused, "more than \(SameOriginRedirects.maxRedirects) redirects", method: method,
                    url: scrubber.redacted(start), status: response.status)
            case .refused(let reason):
                throw HTTPError(
                    .redirectRefused, reason, method: method, url: scrubber.redacted(start), status: response.status,
                    expected: "no redirect, or one within \(origin?.description ?? "the API base")")
            }
        }
    }

    /// One exchange: the answer's head and whole body within ``HTTPRetryPolicy/requestTimeout``, or
    /// ``HTTPError/Code/timedOut``; cancelled with the calling task.
    ///
    /// The deadline is AsyncHTTPClient's own, on the `EventLoopFuture` API: a timer on the request's event loop fails
    /// the request when the whole answer (head and body, read by a `ResponseAccumulator`) is not in by then, and
    /// closes the connection. (The `HTTPClientRequest` API's deadline ends once the head is in, so a body that stalls
    /// would not be bounded by it.) Neither the deadline nor a cancellation waits for a task of Swift's
    /// cooperative pool: both end the exchange on the event loop, and the caller resumes once.
    private func exchange(_ method: String, _ url: URL, body: Data?) async throws(HTTPError) -> Response {
        var headers = HTTPHeaders()
        for (name, value) in self.headers { headers.replaceOrAdd(name: name, value: value) }
        headers.replaceOrAdd(name: "User-Agent", value: "deployctl")
        if body != nil { headers.replaceOrAdd(name: "Content-Type", value: "application/json") }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url.absoluteString, method: HTTPMethod(rawValue: method), headers: headers,
                body: body.map { .bytes($0) })
        } catch {
            throw HTTPError(
                .invalidURL, "cannot make a request of the URL: \(scrubber.scrub("\(error)"))", method: method,
                url: scrubber.redacted(url))
        }
        let deadline = NIODeadline.now() + TimeAmount(policy.requestTimeout)
        let task = client.execute(
            request: request, delegate: ResponseAccumulator(request: request, maxBodySize: Self.maxBodyBytes),
            deadline: deadline)
        let answer: HTTPClient.Response
        do {
            answer = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            throw transportFailure(error, method: method, url: url)
        }
        var fields: [String: String] = [:]
        for (name, value) in answer.headers {
            let key = name.lowercased()
            fields[key] = fields[key].map { "\($0), \(value)" } ?? value
        }
        let bytes = answer.body.map { Data($0.readableBytesView) } ?? Data()
        return Response(status: Int(answer.status.code), headers: fields, body: bytes)
    }

    /// A failed exchange as an ``HTTPError``.
    private func transportFailure(_ error: any Error, method: String, url: URL) -> HTTPError {
        let shown = scrubber.redacted(url)
        if Task.isCancelled {
            return HTTPError(.cancelled, "the request was cancelled", method: method, url: shown)
        }
        if (error as? HTTPClientError).map(Self.timeouts.contains) == true {
            return HTTPError(
                .timedOut, "no whole answer within \(policy.requestTimeout.seconds) s", method: method, url: shown)
        }
        if error is ResponseAccumulator.ResponseTooBigError {
            return HTTPError(
                .malformedResponse, "the answer is larger than \(Self.maxBodyBytes) bytes", method: method, url: shown)
        }
        return HTTPError(.network, "the request failed: \(scrubber.scrub("\(error)"))", method: method, url: shown)
    }

    /// AsyncHTTPClient's errors that mean the deadline (or a connect or read timeout inside it) passed.
    private static let timeouts: [HTTPClientError] = [.deadlineExceeded, .readTimeout, .connectTimeout]

    private func wait(_ duration: Duration, method: String, url: String, reason: String) async throws(HTTPError) {
        logger.info(
            "\(service): waiting before retrying",
            metadata: [
                "deploy.\(service).operation": "\(method) \(url)", "deploy.\(service).reason": "\(reason)",
                "deploy.\(service).wait": "\(duration.seconds)",
            ])
        do { try await policy.sleep(duration) } catch {
            throw HTTPError(.cancelled, "cancelled while waiting to retry (\(reason))", method: method, url: url)
        }
    }

    /// Whether the headers hold a credential (an `Authorization` header with a value).
    private var carriesCredentials: Bool {
        headers.contains { $0.key.lowercased() == "authorization" && !$0.value.isEmpty }
    }
}

extension HTTPClient {
    /// The process's client for forges and the model: follows no redirect (``HTTPTransport`` follows same-origin
    /// ones itself) and decompresses nothing. Like `HTTPClient.shared`, it lives as long as the process.
    static let withoutRedirects: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

extension TimeAmount {
    /// The same length as `duration`, to the nanosecond.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

