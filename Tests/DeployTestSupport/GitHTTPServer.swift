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
/// another `delay`. ``revokeToken()`` makes every later request fail with 401. Stopped by ``stop()`` or on deinit.
public final class GitHTTPServer: @unchecked Sendable {
    public enum Mode: String, Sendable {
        case serve, hang, down, reset, slow
    }

    public let port: Int
    public let token: String
    private let process: Process

    /// Starts the server and waits until it reports its port.
    public init(root: URL, token: String = "", mode: Mode = .serve, delay: Double = 1) throws {
        let (process, port) = try LocalServerProcess.launch(
            script: "git-http-server.py",
            arguments: ["--root", root.path, "--mode", mode.rawValue, "--delay", String(delay)],
            environment: ["GIT_TEST_TOKEN": token])
        self.port = port
        self.token = token
        self.process = process
    }

    /// The URL of repository `name` (e.g. `app.git`) under the root.
    public func url(_ name: String) -> String {
        "http://127.0.0.1:\(port)/\(name)"
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
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
    }
}
