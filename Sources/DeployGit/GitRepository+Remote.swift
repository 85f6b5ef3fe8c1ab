import Clibgit2

extension GitRepository {
    /// The fetch URL of remote `name` as configured, or nil when there is no such remote. Show it to users through
    /// ``redactedURL(_:)``.
    public func remoteURL(name: String = "origin") throws(GitError) -> String? {
        try withHandle { repo throws(GitError) in
            var remote: OpaquePointer?
            let result = git_remote_lookup(&remote, repo, name)
            if result == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return nil
            }
            try check(result, "remote \(name)")
            defer { git_remote_free(remote) }
            return git_remote_url(remote).map { String(cString: $0) }
        }
    }

    /// Convenience for ``DeployGit/redactedURL(_:)``: `url` with credentials removed.
    public func redactedURL(_ url: String) -> String {
        DeployGit.redactedURL(url)
    }
}
