import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A smart-HTTP git server on 127.0.0.1 for tests: the real `git http-backend` behind HTTP basic auth whose password
/// must be ``token`` (401 otherwise), run by `git-http-server.py` (next to this file) on an ephemeral port.
///
/// `GitHTTPServer(root: scratch.url, token: "t")` serves every repository under `root` as
/// `http://127.0.0.1:PORT/NAME.git`. The ``Mode/hang`` server accepts connections and never answers; the
/// ``Mode/down`` one gives a port nothing listens on; the ``Mode/reset`` one resets every connection after reading
/// the request; the ``Mode/slow`` one serves, but waits `delay` seconds before each answer and trickles it out over
/// another `delay`. ``revokeToken()`` makes every later request fail with 401. A ``Redirect`` makes it answer
/// requests under a path prefix with a 3xx to another origin or to another path of its own, and ``requests()`` tells
/// what arrived (whether each request carried an `Authorization` header). Stopped by ``stop()`` or on deinit.
public final class GitHTTPServer: @unchecked Sendable {
    public enum Mode: String, Sendable {
        case serve, hang, down, reset, slow
    }

    /// Requests whose path starts with ``prefix`` are answered with ``status`` and `Location: target + rest`.
    public struct Redirect: Sendable {
        /// A path prefix, e.g. `/` (everything) or `/old.git/`.
        public var prefix: String
        /// An absolute URL prefix (another origin, e.g. `http://127.0.0.1:PORT/`), or a path on this server
        /// (`/app.git/`).
        public var target: String
        /// 301, 302, 307 or 308.
        public var status: Int
        /// Redirect only requests that carry the token; the others get the usual 401 first.
        public var afterAuthentication: Bool

        public init(prefix: String = "/", to target: String, status: Int = 302, afterAuthentication: Bool = false) {
            self.prefix = prefix
            self.target = target
            self.status = status
            self.afterAuthentication = afterAuthentication
        }
    }

    /// One request the server received (control requests excluded).
    public struct SeenRequest: Sendable, Decodable {
        public var method: String
        /// The path and query.
        public var path: String
        /// Whether the request carried an `Authorization` header of any kind.
        public var authorization: Bool
        /// What it was answered (`nil` if no answer was sent).
        public var status: Int?
    }

    public let port: Int
    public let token: String
    private let process: ChildProcess

    /// Starts the server and waits until it reports its port.
    public init(root: URL, token: String = "", mode: Mode = .serve, delay: Double = 1, redirect: Redirect? = nil) throws
    {
        var arguments = ["--root", root.path, "--mode", mode.rawValue, "--delay", String(delay)]
        if let redirect {
            arguments += [
                "--redirect", "\(redirect.prefix)=\(redirect.target)", "--redirect-status", String(redirect.status),
            ]
            if redirect.afterAuthentication { arguments.append("--redirect-after-auth") }
        }
        let (process, port) = try LocalServerProcess.launch(
            script: "git-http-server.py", arguments: arguments, environment: ["GIT_TEST_TOKEN": token])
        self.port = port
        self.token = token
        self.process = process
    }

    /// The URL of repository `name` (e.g. `app.git`) under the root.
    public func url(_ name: String) -> String {
        "http://127.0.0.1:\(port)/\(name)"
    }

    /// The origin of this server, `http://127.0.0.1:PORT`.
    public var origin: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far (serve and slow modes), in order.
    public func requests() async throws -> [SeenRequest] {
        struct Seen: Decodable { var requests: [SeenRequest] }
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/__seen")!)
        return try JSONDecoder().decode(Seen.self, from: data).requests
    }

    /// From now on every request fails with 401, as when the token is revoked on the forge (serve and slow modes).
    public func revokeToken() async throws {
        let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/__revoke")!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw Shell.Failure(
                command: ["GET /__revoke"], result: ShellResult(status: -1, stdout: "", stderr: "\(response)"))
        }
    }

    /// Stops the server (idempotent).
    public func stop() {
        if process.isRunning {
            // SIGKILL: a test runner may have started the server with SIGTERM blocked.
            process.send(SIGKILL)
            process.wait()
        }
    }

    deinit {
        stop()
    }
}
