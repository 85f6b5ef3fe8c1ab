import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a credential may go: the scheme, host and port of a configured remote or API base, compared as a whole.
///
/// A token belongs to the origin it was configured for. Every client that sends one (libgit2's credential callback,
/// the forge and model HTTP clients) answers only for the configured origin, so a redirect to another host — or to
/// another port or scheme of the same host — gets no credential; and none is sent over plain `http` unless the host
/// is loopback (``mayCarryCredentials``).
///
/// Hosts compare case-insensitively and without IPv6 brackets; a missing port is the scheme's default (https 443,
/// http 80, ssh 22, git 9418). `user@host:path` (git's scp-like form) is ssh on port 22.
public struct NetworkOrigin: Sendable, Hashable, CustomStringConvertible {
    /// Lower-cased: `https`, `http`, `ssh`, `git`, … (`git+ssh` and `ssh+git` read as `ssh`).
    public let scheme: String
    /// Lower-cased, without IPv6 brackets.
    public let host: String
    public let port: Int

    public init(scheme: String, host: String, port: Int) {
        self.scheme = scheme.lowercased()
        self.host = Self.normalized(host: host)
        self.port = port
    }

    /// The origin of `url`; `nil` when it has no host (a local path, `file://`) or names an unknown scheme without a
    /// port.
    public init?(_ url: URL) {
        self.init(remoteURL: url.absoluteString)
    }

    /// The origin of a git remote URL or an API base: `https://host[:port]/…`, `ssh://[user@]host[:port]/…`,
    /// `[user@]host:path`; `nil` for local paths and `file://` URLs.
    public init?(remoteURL: String) {
        if remoteURL.contains("://") {
            guard let components = URLComponents(string: remoteURL), var scheme = components.scheme?.lowercased(),
                let host = components.host, !host.isEmpty
            else { return nil }
            if scheme == "git+ssh" || scheme == "ssh+git" { scheme = "ssh" }
            guard let port = components.port ?? Self.defaultPort(scheme) else { return nil }
            self.init(scheme: scheme, host: host, port: port)
            return
        }
        // git's scp-like syntax: [user@]host:path, where the host part holds no '/' (else it is a local path).
        guard let colon = remoteURL.firstIndex(of: ":"), !remoteURL[..<colon].contains("/") else { return nil }
        var host = remoteURL[..<colon]
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        guard !host.isEmpty else { return nil }
        self.init(scheme: "ssh", host: String(host), port: 22)
    }

    /// Whether the host is this machine's loopback: `localhost`, 127.0.0.0/8 or `::1` (written as an address, not a
    /// name that merely resolves there).
    public var isLoopback: Bool {
        if host == "localhost" || host == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }

    /// Whether a credential may be sent to this origin at all: over `https` and `ssh` to any host, over plain
    /// `http` only to loopback (a token in clear text on a real network is a token given away), never over other
    /// schemes (`git://` has no authentication).
    public var mayCarryCredentials: Bool {
        switch scheme {
        case "https", "ssh": true
        case "http": isLoopback
        default: false
        }
    }

    /// `scheme://host:port`, the port always written (no path, no user, nothing secret).
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)"
    }

    /// Why a credential must not be sent when talking to `other` for a client configured for this origin, as a
    /// sentence naming both origins; `nil` when it may.
    ///
    /// - Parameter other: the origin the credential would reach (a redirect's target, the host libgit2 connected to).
    public func credentialRefusal(for other: NetworkOrigin) -> String? {
        guard other == self else {
            return "\(other) is not \(self), the origin the credential was configured for"
        }
        guard mayCarryCredentials else {
            return "\(self) is plain http to a host that is not loopback; a credential is sent over http only to "
                + "localhost, 127.0.0.0/8 or ::1 (use https)"
        }
        return nil
    }

    private static func defaultPort(_ scheme: String) -> Int? {
        switch scheme {
        case "https": 443
        case "http": 80
        case "ssh": 22
        case "git": 9418
        default: nil
        }
    }

    private static func normalized(host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }
}
