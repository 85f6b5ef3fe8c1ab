import DeployFeedback
import Foundation
import Logging

/// Which forge API serves a remote, and where: derived from the remote URL, overridable by settings.
public struct ForgeEndpoint: Sendable, Hashable {
    public var kind: ForgeKind
    /// The API root (`https://api.github.com`, `https://HOST/api/v3`, `https://HOST/api/v1`).
    public var apiBase: URL
    /// `owner/name` from the remote URL.
    public var repository: ForgeRepository

    public init(kind: ForgeKind, apiBase: URL, repository: ForgeRepository) {
        self.kind = kind
        self.apiBase = apiBase
        self.repository = repository
    }

    /// Resolves the endpoint of a remote.
    ///
    /// - Parameters:
    ///   - remoteURL: the remote's URL (https, `ssh://` or scp-like).
    ///   - kind: the forge kind from the manifest; `nil` guesses: a host named `github.com` or starting with
    ///     `github.` is GitHub, any other host Gitea.
    ///   - apiBase: the API root from the manifest or `GITHUB_API_URL`; `nil` derives it: `https://api.github.com`
    ///     for github.com, `https://HOST/api/v3` for another GitHub host (Enterprise), `https://HOST/api/v1` for Gitea.
    /// - Throws: ``HTTPError/Code/invalidURL`` when the URL names no host or no `owner/repo`.
    public static func resolve(remoteURL: String, kind: ForgeKind? = nil, apiBase: URL? = nil) throws(HTTPError)
        -> ForgeEndpoint
    {
        let repository = try ForgeRepository.parse(remoteURL: remoteURL)
        let host = Self.host(of: remoteURL)
        let kind = kind ?? ((host == "github.com" || host?.hasPrefix("github.") == true) ? .github : .gitea)
        if let apiBase { return ForgeEndpoint(kind: kind, apiBase: apiBase, repository: repository) }
        guard let host, !host.isEmpty else {
            throw HTTPError(
                .invalidURL, "the remote URL \(redactedRemote(remoteURL)) names no host; set the API base explicitly")
        }
        let base: String
        switch kind {
        case .github: base = host == "github.com" ? GitHubForge.defaultAPIBase.absoluteString : "https://\(host)/api/v3"
        case .gitea: base = "https://\(host)/api/v1"
        }
        guard let url = URL(string: base) else {
            throw HTTPError(.invalidURL, "cannot make an API URL for host \(host)")
        }
        return ForgeEndpoint(kind: kind, apiBase: url, repository: repository)
    }

    /// A client for this endpoint.
    /// - Parameters:
    ///   - token: sent in a header to ``apiBase``'s origin only.
    ///   - policy: the deadline, retries and rate-limit waits of each request.
    ///   - logger: one debug line per request (never headers).
    public func forge(
        token: String, policy: HTTPRetryPolicy = HTTPRetryPolicy(), logger: Logger = Logger(label: "deployctl.forge")
    )
        -> any Forge
    {
        switch kind {
        case .github: GitHubForge(apiBase: apiBase, token: token, policy: policy, logger: logger)
        case .gitea: GiteaForge(apiBase: apiBase, token: token, policy: policy, logger: logger)
        }
    }

    /// The host of an https/ssh URL or of an scp-like `user@host:path`, without user or port, in lower case; `nil`
    /// for a local path.
    public static func host(of remoteURL: String) -> String? {
        var rest: Substring
        if let scheme = remoteURL.range(of: "://") {
            rest = remoteURL[scheme.upperBound...]
            rest = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
            if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
            if let colon = rest.lastIndex(of: ":"), !rest.hasPrefix("[") { rest = rest[..<colon] }
        } else if let colon = remoteURL.firstIndex(of: ":"), !remoteURL[..<colon].contains("/") {
            rest = remoteURL[..<colon]
            if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        } else {
            return nil
        }
        return rest.isEmpty ? nil : rest.lowercased()
    }
}
