import DeployCore
import DeployGit
import Foundation

/// Which managed repositories a push names: those whose remote is the pushed repository (by a clone URL, or by
/// `OWNER/NAME` against the remote's path) and whose branch the push moved.
struct PushMatcher: Sendable {
    /// One managed repository: its remote, as the host and path a URL names, and its branch.
    struct Target: Sendable, Hashable {
        var name: RepositoryName
        var remote: RemoteIdentity
        var branch: String
    }

    /// A remote URL reduced to what identifies a repository: the host (lower case, no user, no port) and the path
    /// without `.git` and slashes around it (lower case: forges match names without case).
    struct RemoteIdentity: Sendable, Hashable {
        var host: String
        var path: String

        /// `https://github.com/acme/api.git`, `ssh://git@github.com:22/acme/api`, `git@github.com:acme/api.git`;
        /// a local path (`/srv/git/api.git`, `file:///srv/git/api.git`) has the host `file`.
        init?(_ url: String) {
            var text = url.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("file://") { text.removeFirst("file://".count) }
            if text.hasPrefix("/") {
                text = "file" + text
            } else if let scheme = text.range(of: "://") {
                text = String(text[scheme.upperBound...])
            } else if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
                // scp-like `user@host:path`
                text = text.replacingCharacters(in: colon...colon, with: "/")
            } else {
                return nil
            }
            guard let slash = text.firstIndex(of: "/") else { return nil }
            var host = String(text[..<slash])
            if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
            if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = String(host[..<colon]) }
            var path = String(text[text.index(after: slash)...])
            while path.hasSuffix("/") { path.removeLast() }
            if path.hasSuffix(".git") { path.removeLast(4) }
            while path.hasPrefix("/") { path.removeFirst() }
            guard !host.isEmpty, !path.isEmpty else { return nil }
            self.host = host.lowercased()
            self.path = path.lowercased()
        }
    }

    let targets: [Target]

    /// The targets of `root`: each managed repository with a remote URL (the manifest's `url`, else the checkout's
    /// `origin`) and a branch (the manifest's `branch`, else the checkout's).
    static func targets(root: DeployRoot) -> [Target] {
        let manifest = (try? Manifest.load(at: root.manifestFile)) ?? Manifest()
        let names = Set(root.repositoryFolders().names).union(manifest.repositories.map(\.name)).sorted()
        return names.compactMap { name in
            let entry = manifest.repository(named: name)
            let checkout = try? GitRepository.open(at: root.repository(name))
            guard let url = entry?.url ?? (try? checkout?.remoteURL()) ?? nil, let remote = RemoteIdentity(url),
                let branch = entry?.branch ?? (try? checkout?.head().branch) ?? nil
            else { return nil }
            return Target(name: name, remote: remote, branch: branch)
        }
    }

    /// The repositories `push` names, in name order.
    func repositories(for push: PushEvent) -> [RepositoryName] {
        guard let branch = push.branch else { return [] }
        let pushed = Set(push.urls.compactMap(RemoteIdentity.init))
        let fullName = push.fullName?.lowercased()
        return targets.filter { target in
            target.branch == branch && (pushed.contains(target.remote) || target.remote.path == fullName)
        }.map(\.name).sorted()
    }
}
