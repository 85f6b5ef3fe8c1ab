/// Credentials offered to remotes through libgit2's credential callback. They are never written to `.git/config`,
/// to a remote URL, or into an error message.
///
/// - HTTPS: user name ``username`` (default `x-access-token`, what GitHub expects with a token) and password ``token``.
/// - SSH: the key file ``sshKeyPath`` (with ``sshPublicKeyPath`` and ``sshPassphrase`` when needed), else the agent
///   when ``useSSHAgent`` is set.
///
/// Each kind of credential is offered once per operation: a rejected credential ends the operation with
/// ``GitError/Code/authenticationFailed`` instead of a retry loop.
public struct GitCredentials: Sendable {
    public var token: String?
    public var username: String
    public var sshKeyPath: String?
    public var sshPublicKeyPath: String?
    public var sshPassphrase: String?
    public var useSSHAgent: Bool

    public init(
        token: String? = nil,
        username: String = "x-access-token",
        sshKeyPath: String? = nil,
        sshPublicKeyPath: String? = nil,
        sshPassphrase: String? = nil,
        useSSHAgent: Bool = false
    ) {
        self.token = token
        self.username = username
        self.sshKeyPath = sshKeyPath
        self.sshPublicKeyPath = sshPublicKeyPath
        self.sshPassphrase = sshPassphrase
        self.useSSHAgent = useSSHAgent
    }

    /// No credentials: public and local remotes only.
    public static let none = GitCredentials()

    /// Values that must never appear in output (used to scrub error messages).
    var secrets: [String] { [token, sshPassphrase].compactMap { $0 }.filter { !$0.isEmpty } }
}
