import Foundation

/// A repository on a forge: `owner/name`, as used in API paths.
public struct ForgeRepository: Sendable, Hashable, CustomStringConvertible {
    public var owner: String
    public var name: String

    public init(owner: String, name: String) {
        self.owner = owner
        self.name = name
    }

    public var description: String { "\(owner)/\(name)" }

    /// Reads owner and repository from the last two path segments of a remote URL, with `.git` stripped.
    ///
    /// Accepts `https://host/owner/repo(.git)`, `ssh://git@host[:port]/owner/repo.git`, scp-like
    /// `git@host:owner/repo.git` and deeper paths (`https://host/group/sub/owner/repo` → `owner/repo`). Credentials
    /// in the URL are ignored and never echoed in the error.
    /// - Throws: ``HTTPError/Code/invalidURL`` when fewer than two path segments are present.
    public static func parse(remoteURL: String) throws(HTTPError) -> ForgeRepository {
        let trimmed = remoteURL.trimmingCharacters(in: .whitespacesAndNewlines)
        var path: Substring
        if let scheme = trimmed.range(of: "://") {
            let afterScheme = trimmed[scheme.upperBound...]
            guard let slash = afterScheme.firstIndex(of: "/") else { throw invalid(remoteURL) }
            path = afterScheme[slash...]
        } else if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains("/") {
            path = trimmed[trimmed.index(after: colon)...]  // scp-like: [user@]host:path
        } else {
            path = Substring(trimmed)  // a local path: still take the last two segments
        }
        if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<query] }
        var segments = path.split(separator: "/").map(String.init)
        if var last = segments.last {
            while last.hasSuffix("/") { last.removeLast() }
            if last.hasSuffix(".git") { last.removeLast(4) }
            segments[segments.count - 1] = last
        }
        segments.removeAll { $0.isEmpty }
        guard segments.count >= 2 else { throw invalid(remoteURL) }
        return ForgeRepository(owner: segments[segments.count - 2], name: segments[segments.count - 1])
    }

    private static func invalid(_ url: String) -> HTTPError {
        HTTPError(
            .invalidURL, "cannot read owner/repository from the remote URL \(redactedRemote(url))")
    }
}

/// `url` without `user[:password]@` (for https) so that a token in a remote URL never reaches a message.
func redactedRemote(_ url: String) -> String {
    guard let scheme = url.range(of: "://") else { return url }
    let rest = url[scheme.upperBound...]
    let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
    guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
    return String(url[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
}
