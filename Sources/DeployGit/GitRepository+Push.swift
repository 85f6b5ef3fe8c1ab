import Clibgit2

extension GitRepository {
    /// Pushes local `branch` (a short name or a full ref) to `remoteBranch` on `remote`.
    ///
    /// With ``PushLease/expect(_:)`` or ``PushLease/expectAbsent`` the push is forced, but only if the remote ref, as
    /// advertised by the remote during this very push, still matches; otherwise nothing is sent.
    /// - Throws: ``GitError/Code/pushRejected`` (not a fast-forward, stale lease, or refused by the server — with
    ///   the server's reason), distinct from `.authenticationFailed`, `.network`, `.timedOut`, `.cancelled`.
    public func push(
        branch: String,
        to remoteBranch: String? = nil,
        remote: String = "origin",
        lease: PushLease = .fastForwardOnly,
        credentials: GitCredentials = .none,
        timeout: Duration? = nil
    ) async throws(GitError) {
        let source = branch.hasPrefix("refs/") ? branch : "refs/heads/\(branch)"
        let target = remoteBranch.map { $0.hasPrefix("refs/") ? $0 : "refs/heads/\($0)" } ?? source
        let context = NetworkContext(operation: "push", credentials: credentials, timeout: timeout)
        switch lease {
        case .fastForwardOnly: break
        case .expect(let id): context.leases[target] = .some(id)
        case .expectAbsent: context.leases[target] = .some(nil)
        }
        let refspec = (lease == .fastForwardOnly ? "" : "+") + "\(source):\(target)"
        try await runNetwork(context) { () throws(GitError) in
            try self.withHandle { repo throws(GitError) in
                let configured = try self.configuredRemote(remote, in: repo, operation: "push")
                context.origin = NetworkOrigin(remoteURL: configured.pushURL)
                let (created, handle) = configured.makeHandle(in: repo, forPush: true)
                try self.check(created, "push")
                defer { git_remote_free(handle) }
                var options = git_push_options()
                git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
                options.callbacks = context.callbacks()
                options.follow_redirects = RedirectPolicy.libgit2
                let result = withExtendedLifetime(context) {
                    refspec.withCString { spec -> Int32 in
                        var pointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: spec)
                        return withUnsafeMutablePointer(to: &pointer) { strings in
                            var array = git_strarray(strings: strings, count: 1)
                            return git_remote_push(handle, &array, &options)
                        }
                    }
                }
                if result < 0 {
                    var error = context.error(for: result, repository: self.displayPath)
                    if error.message.contains("not present locally") || error.message.contains("non-fastforwardable") {
                        error.code = .pushRejected
                    }
                    throw error
                }
                if !context.rejectedReferences.isEmpty {
                    let reasons = context.rejectedReferences.map { "\($0.reference): \($0.reason)" }
                    throw GitError(
                        code: .pushRejected, operation: "push", repository: self.displayPath,
                        message: "the remote rejected " + reasons.joined(separator: "; "), secrets: credentials.secrets)
                }
            }
        }
    }
}
