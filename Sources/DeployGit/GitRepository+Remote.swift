import Clibgit2

extension GitRepository {
    /// The fetch URL of remote `name` as configured, or nil when there is no such remote. Show it to users through
    /// ``redactedURL(_:)``.
    public func remoteURL(name: String = "origin") throws(GitError) -> String? {
        try withHandle { repo throws(GitError) in
            var config: OpaquePointer?
            try check(git_repository_config_snapshot(&config, repo), "remote \(name)")
            defer { git_config_free(config) }
            return config.flatMap { ConfiguredRemote.read(name, from: $0) }?.url
        }
    }

    /// Convenience for ``DeployGit/redactedURL(_:)``: `url` with credentials removed.
    public func redactedURL(_ url: String) -> String {
        DeployGit.redactedURL(url)
    }
}
