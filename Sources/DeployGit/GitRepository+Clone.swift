import Clibgit2
import Subprocess
import SystemPackage
import Foundation

extension GitRepository {
    /// Clones `url` into `directory` (which must not exist or be empty) and checks out `branch` (default: the
    /// remote's HEAD).
    ///
    /// Credentials go through the callback only: a URL carrying credentials (`https://user:token@…`) is refused so
    /// that no token is ever written to `.git/config`.
    ///
    /// `depth` makes a shallow clone. libgit2 1.5 cannot fetch shallow, so a shallow clone is made by the `git` CLI
    /// (token passed as an HTTP header through `GIT_CONFIG_*` environment variables, never on the command line or in
    /// a file) and then opened with libgit2, which reads shallow repositories.
    ///
    /// The token goes only to `url`'s own scheme, host and port, and over plain `http` only to loopback: libgit2's
    /// credential callback refuses any other server (a redirect), and the shallow path follows no redirect at all
    /// (see ``NetworkOrigin``). A refusal is ``GitError/Code/authenticationFailed`` naming the origins, never the
    /// token.
    public static func clone(
        from url: String,
        to directory: URL,
        branch: String? = nil,
        depth: Int? = nil,
        credentials: GitCredentials = .none,
        timeout: Duration? = nil
    ) async throws(GitError) -> GitRepository {
        ensureLibgit2()
        guard DeployGit.redactedURL(url) == url else {
            throw GitError(
                code: .invalidArgument, operation: "clone", repository: directory.path,
                message: "the URL carries credentials; pass the token in GitCredentials instead", secrets: credentials.secrets)
        }
        if let depth {
            try await CLIClone.run(
                url: url, directory: directory, branch: branch, depth: depth, credentials: credentials, timeout: timeout)
            return try open(at: directory)
        }
        let context = NetworkContext(operation: "clone", credentials: credentials, timeout: timeout, remoteURL: url)
        let box = try await runNetwork(context, repository: directory.path) { () throws(GitError) -> HandleBox in
            var options = git_clone_options()
            git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION))
            options.fetch_opts.callbacks = context.callbacks()
            options.fetch_opts.follow_redirects = RedirectPolicy.libgit2
            options.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
            var handle: OpaquePointer?
            let result = withExtendedLifetime(context) {
                if let branch {
                    return branch.withCString { name in
                        options.checkout_branch = name
                        return git_clone(&handle, url, directory.path, &options)
                    }
                }
                return git_clone(&handle, url, directory.path, &options)
            }
            if result < 0 { throw context.error(for: result, repository: directory.path) }
            return HandleBox(handle: handle!)
        }
        return GitRepository(handle: box.handle)
    }
}

/// Carries a fresh repository handle from the clone thread to the caller, which becomes its only owner.
struct HandleBox: @unchecked Sendable {
    let handle: OpaquePointer
}

/// Shallow clones through the `git` CLI (libgit2 1.5 has no shallow fetch).
enum CLIClone {
    static func run(
        url: String, directory: URL, branch: String?, depth: Int, credentials: GitCredentials, timeout: Duration?
    ) async throws(GitError) {
        guard depth > 0 else {
            throw GitError(code: .invalidArgument, operation: "clone", repository: directory.path, message: "depth must be positive")
        }
        // git ignores --depth for plain local paths; a file:// URL makes it honour it.
        let source = url.contains("://") || url.contains("@") ? url : URL(fileURLWithPath: url).absoluteString
        var arguments = ["git", "clone", "--quiet", "--depth", String(depth)]
        if let branch { arguments += ["--branch", branch] }
        arguments += ["--", source, directory.path]
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        // No redirect at all: the header below goes with every request git makes, wherever it is sent.
        var configuration = [RedirectPolicy.gitConfiguration]
        // The token only to an origin that may carry it (https, ssh, or http to loopback): the header is sent
        // before any server asks, so the check is made here rather than in a callback.
        let origin = NetworkOrigin(remoteURL: source)
        let withheld = credentials.token != nil && origin?.mayCarryCredentials != true
        if let token = credentials.token, !withheld {
            let basic = Data("\(credentials.username):\(token)".utf8).base64EncodedString()
            configuration.append((key: "http.extraHeader", value: "Authorization: Basic \(basic)"))
        }
        environment["GIT_CONFIG_COUNT"] = String(configuration.count)
        for (index, entry) in configuration.enumerated() {
            environment["GIT_CONFIG_KEY_\(index)"] = entry.key
            environment["GIT_CONFIG_VALUE_\(index)"] = entry.value
        }
        // swift-subprocess, as every other child deployctl starts: Foundation's Process learns of its child's end from
        // SIGCHLD, which swift-subprocess's monitor thread can take first, and would then wait forever.
        var variables: [Environment.Key: String] = [:]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { variables[key] = value }
        }
        let variablesToSet = variables
        let commandLine = arguments
        let deadline = timeout
        let outcome: ExecutionResult<Void, DiscardedOutput, StringOutput<UTF8>>?
        do {
            outcome = try await withThrowingTaskGroup(
                of: ExecutionResult<Void, DiscardedOutput, StringOutput<UTF8>>?.self
            ) { group in
                group.addTask {
                    var options = PlatformOptions()
                    options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
                    return try await Subprocess.run(
                        .path(FilePath("/usr/bin/env")), arguments: Arguments(commandLine),
                        environment: .custom(variablesToSet), platformOptions: options, input: .none,
                        output: .discarded, error: .string(limit: 1 << 20))
                }
                if let deadline {
                    group.addTask {
                        try await Task.sleep(for: deadline)
                        return nil
                    }
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            if Task.isCancelled {
                throw GitError(
                    code: .cancelled, operation: "clone", repository: directory.path, message: "shallow clone cancelled")
            }
            throw GitError(
                code: .unsupported, operation: "clone", repository: directory.path,
                message: GitError.scrub("could not run git: \(error)", secrets: credentials.secrets))
        }
        guard let outcome else {
            try? FileManager.default.removeItem(at: directory)
            throw GitError(
                code: .timedOut, operation: "clone", repository: directory.path, message: "shallow clone timed out")
        }
        let stderr = outcome.standardError ?? ""
        guard case .exited(0) = outcome.terminationStatus else {
            let lowered = stderr.lowercased()
            let code: GitError.Code =
                lowered.contains("authentication") || lowered.contains("401") ? .authenticationFailed
                : lowered.contains("could not read") || lowered.contains("unable to access") ? .network
                : lowered.contains("not found") || lowered.contains("does not exist") ? .notFound : .other
            var message = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            if withheld, let origin {
                message += " (the token was not sent: \(origin) is plain http to a host that is not loopback)"
            }
            throw GitError(
                code: code, operation: "clone", repository: directory.path, message: message,
                secrets: credentials.secrets)
        }
    }
}
