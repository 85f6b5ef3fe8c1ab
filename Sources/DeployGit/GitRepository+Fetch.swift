import Clibgit2

extension GitRepository {
    /// Fetches `remote` (a configured remote name) into its remote-tracking refs, pruning refs deleted upstream.
    /// `FETCH_HEAD` is not written.
    ///
    /// Runs on a dedicated thread; stops promptly when `timeout` passes (``GitError/Code/timedOut``) or the calling
    /// task is cancelled (``GitError/Code/cancelled``), including while connecting to or waiting on a silent server.
    /// - Throws: ``GitError`` with `.authenticationFailed`, `.network`, `.notFound` (no such remote), `.timedOut`,
    ///   `.cancelled`, `.locked`.
    public func fetch(
        remote: String = "origin",
        prune: Bool = true,
        credentials: GitCredentials = .none,
        timeout: Duration? = nil
    ) async throws(GitError) {
        let context = NetworkContext(operation: "fetch", credentials: credentials, timeout: timeout)
        try await runNetwork(context) { () throws(GitError) in
            try self.withHandle { repo throws(GitError) in
                let configured = try self.configuredRemote(remote, in: repo, operation: "fetch")
                context.origin = NetworkOrigin(remoteURL: configured.url)
                let (created, handle) = configured.makeHandle(in: repo)
                try self.check(created, "fetch")
                defer { git_remote_free(handle) }
                var options = git_fetch_options()
                git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
                options.callbacks = context.callbacks()
                options.prune = prune ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE
                options.follow_redirects = RedirectPolicy.libgit2
                // Nothing here reads FETCH_HEAD (updates go by the remote-tracking refs), and not writing it spares
                // a lock file per fetch: a fetch killed mid-way would otherwise leave FETCH_HEAD.lock behind, which
                // refuses the next fetch until it is old enough to be taken for stale.
                options.update_fetchhead = 0
                let result = withExtendedLifetime(context) {
                    configured.fetchRefspecs.withStringArray { refspecs in
                        git_remote_fetch(handle, refspecs, &options, "fetch")
                    }
                }
                if result < 0 { throw context.error(for: result, repository: self.displayPath) }
            }
        }
    }

    /// Runs a network body on its own thread and normalises what it throws to ``GitError``.
    func runNetwork<T: Sendable>(
        _ context: NetworkContext,
        _ body: @escaping @Sendable () throws(GitError) -> T
    ) async throws(GitError) -> T {
        try await GitRepository.runNetwork(context, repository: displayPath, body)
    }

    static func runNetwork<T: Sendable>(
        _ context: NetworkContext,
        repository: String?,
        _ body: @escaping @Sendable () throws(GitError) -> T
    ) async throws(GitError) -> T {
        ensureLibgit2()
        do {
            return try await context.run { try body() }
        } catch let error as GitError {
            throw error
        } catch {
            throw GitError(code: .other, operation: context.operation, repository: repository, message: "\(error)")
        }
    }
}
