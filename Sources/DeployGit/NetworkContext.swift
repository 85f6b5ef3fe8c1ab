import Clibgit2
import Foundation

/// State shared by one network operation (clone, fetch, push): its deadline, its cancellation flag, the credentials
/// it may offer, and what its libgit2 callbacks observed.
///
/// The task awaiting the operation only calls ``cancel()``; everything else is touched by the operation's own thread
/// (libgit2 runs callbacks on the thread that called it). The stop flag is behind a lock because both sides use it.
final class NetworkContext: @unchecked Sendable {
    enum StopReason: Sendable { case cancelled, timedOut }

    let credentials: GitCredentials
    let operation: String
    /// The origin of the remote URL the operation was started with (set before libgit2 connects); the credential
    /// callback answers only for it. `nil` for local remotes, which never ask.
    var origin: NetworkOrigin?
    /// The host and port of the connection this operation opened last (set by `DeadlineSocketStream`): when the
    /// credential callback runs, the server that asks, whatever URL libgit2 names in the callback.
    var connectedTo: (host: String, port: Int)?
    private let deadline: ContinuousClock.Instant?
    private let lock = NSLock()
    private var stop: StopReason?

    /// Passwords and keys offered so far (only on the operation thread). A second request means the first was
    /// rejected.
    var plaintextOffered = false
    var sshKeyOffered = false
    /// Set when the credential callback gave up, so the failure is reported as authentication.
    var authenticationFailure: String?
    /// Per-ref rejections reported by the server (`push_update_reference`).
    var rejectedReferences: [(reference: String, reason: String)] = []
    /// Force-with-lease expectations: remote ref name → commit it must still point at (nil: must not exist).
    var leases: [String: ObjectID?] = [:]
    /// Set by the negotiation callback when a lease did not hold.
    var leaseFailure: String?

    init(operation: String, credentials: GitCredentials, timeout: Duration?, remoteURL: String? = nil) {
        self.operation = operation
        self.credentials = credentials
        self.origin = remoteURL.flatMap(NetworkOrigin.init(remoteURL:))
        self.deadline = timeout.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// Asks the operation to stop at its next callback or socket wait.
    func cancel() {
        lock.withLock { if stop == nil { stop = .cancelled } }
    }

    /// Why the operation must stop, if it must; also latches a passed deadline.
    var stopReason: StopReason? {
        lock.withLock {
            if stop == nil, let deadline, ContinuousClock.now >= deadline { stop = .timedOut }
            return stop
        }
    }

    /// For libgit2 callbacks: 0 to go on, or a negative code (with libgit2's error set) to stop.
    func progressCheck() -> Int32 {
        guard let reason = stopReason else { return 0 }
        git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), reason == .timedOut ? "operation timed out" : "operation cancelled")
        return GIT_EUSER.rawValue
    }

    // MARK: Thread-local current operation (read by DeadlineSocketStream when libgit2 opens a socket)

    private static let threadKey = "deployctl.git.network-context"

    static var current: NetworkContext? {
        Thread.current.threadDictionary[threadKey] as? NetworkContext
    }

    /// Runs `body` on a dedicated thread (not Swift's cooperative pool, which blocking libgit2 calls would starve),
    /// with this context installed for the thread; Swift task cancellation sets the stop flag.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        if Task.isCancelled {
            throw GitError(code: .cancelled, operation: operation, message: "cancelled before it started")
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let thread = Thread { [self] in
                    Thread.current.threadDictionary[NetworkContext.threadKey] = self
                    let result = Result { try body() }
                    Thread.current.threadDictionary[NetworkContext.threadKey] = nil
                    continuation.resume(with: result)
                }
                thread.name = "deployctl-git-\(operation)"
                thread.stackSize = 4 << 20
                thread.start()
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// Turns a failed libgit2 network call into the most precise error: a stop (timeout, cancellation), a lease or
    /// per-ref rejection, an authentication failure, or libgit2's own error.
    func error(for result: Int32, repository: String?) -> GitError {
        var error = GitError.fromLast(result, operation: operation, repository: repository, secrets: credentials.secrets)
        if let reason = stopReason {
            error.code = reason == .timedOut ? .timedOut : .cancelled
        } else if let leaseFailure {
            error.code = .pushRejected
            error.message = leaseFailure
        } else if let authenticationFailure {
            error.code = .authenticationFailed
            error.message = GitError.scrub(authenticationFailure, secrets: credentials.secrets)
        } else if error.message.hasPrefix("cannot redirect from") {
            // libgit2's refusal of an off-site redirect (follow_redirects = GIT_REMOTE_REDIRECT_NONE).
            error.message =
                "\(error.message): the remote answered with a redirect to another host, which deployctl does not "
                + "follow (credentials stay with the configured remote); if the repository moved, update its URL"
        }
        return error
    }

    // MARK: Callbacks

    /// The callbacks every network operation installs; `payload` is this context, passed unretained (the caller
    /// keeps it alive with `withExtendedLifetime`).
    func callbacks() -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, url, usernameFromURL, allowed, payload in
            NetworkContext.from(payload).acquireCredential(out, url, usernameFromURL, allowed)
        }
        callbacks.transfer_progress = { _, payload in NetworkContext.from(payload).progressCheck() }
        callbacks.sideband_progress = { _, _, payload in NetworkContext.from(payload).progressCheck() }
        callbacks.push_transfer_progress = { _, _, _, payload in NetworkContext.from(payload).progressCheck() }
        callbacks.pack_progress = { _, _, _, payload in NetworkContext.from(payload).progressCheck() }
        callbacks.push_update_reference = { refname, status, payload in
            let context = NetworkContext.from(payload)
            if let status, let refname {
                context.rejectedReferences.append((String(cString: refname), String(cString: status)))
            }
            return 0
        }
        callbacks.push_negotiation = { updates, count, payload in
            NetworkContext.from(payload).checkLeases(updates, count)
        }
        return callbacks
    }

    static func from(_ payload: UnsafeMutableRawPointer?) -> NetworkContext {
        Unmanaged<NetworkContext>.fromOpaque(payload!).takeUnretainedValue()
    }

    private func checkLeases(_ updates: UnsafeMutablePointer<UnsafePointer<git_push_update>?>?, _ count: Int) -> Int32 {
        guard !leases.isEmpty, let updates else { return progressCheck() }
        for index in 0..<count {
            guard let update = updates[index]?.pointee, let destination = update.dst_refname else { continue }
            let name = String(cString: destination)
            guard let expected = leases[name] else { continue }
            var current = update.src
            let isZero = git_oid_is_zero(&current) != 0
            let actual = isZero ? nil : ObjectID(current)
            if actual != expected {
                leaseFailure =
                    "stale lease for \(name): expected \(expected?.hex ?? "no branch"), remote has \(actual?.hex ?? "no branch")"
                git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), leaseFailure)
                return GIT_ENONFASTFORWARD.rawValue
            }
        }
        return progressCheck()
    }

    private func acquireCredential(
        _ out: UnsafeMutablePointer<OpaquePointer?>?,
        _ url: UnsafePointer<CChar>?,
        _ usernameFromURL: UnsafePointer<CChar>?,
        _ allowed: UInt32
    ) -> Int32 {
        let shownURL = url.map { redactedURL(String(cString: $0)) } ?? "the remote"
        let userFromURL = usernameFromURL.map { String(cString: $0) }
        func fail(_ message: String) -> Int32 {
            authenticationFailure = message
            git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), message)
            return GIT_EAUTH.rawValue
        }
        // Checked before a secret is handed out (a bare user name is not one): only to the configured origin.
        let refusal = { [self] in
            credentialRefusal(callbackURL: url.map { String(cString: $0) })
                .map { "refusing to send credentials for \(shownURL): \($0)" }
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let token = credentials.token {
            if let refusal = refusal() { return fail(refusal) }
            if plaintextOffered {
                return fail("authentication failed for \(shownURL): the token was rejected; check that it is valid and can access this repository")
            }
            plaintextOffered = true
            return git_credential_userpass_plaintext_new(out, credentials.username, token)
        }
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0, credentials.sshKeyPath != nil || credentials.useSSHAgent {
            if let refusal = refusal() { return fail(refusal) }
            if sshKeyOffered {
                return fail("authentication failed for \(shownURL): the SSH key was rejected")
            }
            sshKeyOffered = true
            let user = userFromURL ?? "git"
            if let key = credentials.sshKeyPath {
                return git_credential_ssh_key_new(out, user, credentials.sshPublicKeyPath, key, credentials.sshPassphrase)
            }
            return git_credential_ssh_key_from_agent(out, user)
        }
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, userFromURL ?? "git")
        }
        return fail("\(shownURL) requires authentication but no usable credentials are configured (set a token for HTTPS, or an SSH key/agent for SSH)")
    }
}
