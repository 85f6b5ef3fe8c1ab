import Foundation

extension ChatCompletionsClient {
    /// The API base for a configured `OPENAI_API_BASE`, which may name the base (`https://api.openai.com/v1`) or the
    /// full endpoint (`https://api.openai.com/v1/chat/completions`, as many Python clients take it).
    ///
    /// A trailing `/chat/completions` (any case) and trailing slashes are removed from the path; the scheme, host,
    /// port and query are kept. Requests then go to `{base}/chat/completions` either way.
    /// - Parameter configured: the URL as given.
    /// - Returns: the base to pass to ``init(baseURL:apiKey:options:logger:)``.
    public static func apiBase(from configured: URL) -> URL {
        guard var components = URLComponents(url: configured, resolvingAgainstBaseURL: false) else { return configured }
        var path = Substring(components.percentEncodedPath)
        func dropTrailingSlashes() { while path.hasSuffix("/") { path = path.dropLast() } }
        dropTrailingSlashes()
        let endpoint = "/chat/completions"
        if path.lowercased().hasSuffix(endpoint) {
            path = path.dropLast(endpoint.count)
            dropTrailingSlashes()
        }
        components.percentEncodedPath = String(path)
        return components.url ?? configured
    }
}
