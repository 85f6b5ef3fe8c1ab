import DeployBuild
import Foundation

/// Reading answers that are not a success: rate limits, `Retry-After`, the server's own message, and the
/// ``HTTPError`` of a status.
extension HTTPTransport {
    /// `nil` when the answer is not a rate limit; otherwise the wait it asks for (`.some(nil)`: no time given).
    func rateLimit(_ response: Response) -> Duration?? {
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
        if let message = serverMessage(response)?.lowercased(), message.contains("rate limit") { return .some(nil) }
        return nil
    }

    /// `Retry-After` in seconds (the HTTP-date form too).
    func retryAfter(_ response: Response) -> Duration? {
        guard let value = response.header("retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value) { return .milliseconds(Int64(max(0, seconds) * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }

    /// The server's message in an error body, scrubbed: GitHub's `basic-error`/`validation-error` and Gitea's
    /// APIError (`message`, with `errors[].message` or `.code`), OpenAI's `{"error": {"message"}}` and the
    /// `{"error": "…"}` of some compatible servers; else a `message` header.
    func serverMessage(_ response: Response) -> String? {
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body) else {
            return response.header("message").map(scrubber.scrub)
        }
        var message = body.message ?? body.error?.message
        let details = (body.errors ?? []).compactMap { $0.message ?? $0.code }
        if !details.isEmpty {
            message = [message, details.joined(separator: "; ")].compactMap { $0 }.joined(separator: ": ")
        }
        return message.map { scrubber.scrub(String($0.prefix(300))) }
    }

    /// The error of an answer that is neither a success nor retried.
    func failure(
        _ response: Response, method: String, url: String, code: HTTPError.Code? = nil, retryAfter: Duration? = nil,
        retries: Int = 0
    ) -> HTTPError {
        let serverMessage = serverMessage(response)
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
            sentence = "rate limited; the \(service) asks to wait \(retryAfter.map { "\($0.seconds) s" } ?? "a while")"
        case .server:
            sentence = retries > 0 ? "the \(service) failed (also on \(retries) retries)" : "the \(service) failed"
        default: sentence = "unexpected answer"
        }
        return HTTPError(
            code, serverMessage.map { "\(sentence): \($0)" } ?? sentence, method: method, url: url,
            status: response.status, expected: "a 2xx status", serverMessage: serverMessage, retryAfter: retryAfter)
    }

    /// The error bodies ``serverMessage(_:)`` reads.
    private struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var message: String?
            var code: String?
        }

        struct Nested: Decodable {
            var message: String?
        }

        var message: String?
        var errors: [Detail]?
        var error: Nested?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            errors = try? container.decodeIfPresent([Detail].self, forKey: .errors)
            if let nested = try? container.decodeIfPresent(Nested.self, forKey: .error) {
                error = nested
            } else if let text = try? container.decodeIfPresent(String.self, forKey: .error) {
                error = Nested(message: text)
            }
        }

        enum CodingKeys: String, CodingKey { case message, errors, error }
    }
}

/// `"text"`, with quotes and control characters escaped.
func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += String(format: "\\u{%X}", scalar.value)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

/// A decoding error in a short sentence.
func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, let context):
        return "missing \(codingPath(context.codingPath + [key]))"
    case DecodingError.typeMismatch(let type, let context):
        return "\(codingPath(context.codingPath)) is not \(type)"
    case DecodingError.valueNotFound(let type, let context):
        return "\(codingPath(context.codingPath)) is null, expected \(type)"
    case DecodingError.dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "\(codingPath(context.codingPath)) is corrupt"
    default:
        return "\(error)"
    }
}

private func codingPath(_ keys: [any CodingKey]) -> String {
    keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}
