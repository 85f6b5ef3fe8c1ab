import Foundation

/// A smart-HTTP git server on 127.0.0.1 for tests: the real `git http-backend` behind HTTP basic auth whose password
/// must be ``token`` (401 otherwise), run by `git-http-server.py` (next to this file) on an ephemeral port.
///
/// `GitHTTPServer(root: scratch.url, token: "t")` serves every repository under `root` as
/// `http://127.0.0.1:PORT/NAME.git`. The ``Mode/hang`` server accepts connections and never answers; the
/// ``Mode/down`` one gives a port nothing listens on. Stopped by ``stop()`` or on deinit.
public final class GitHTTPServer: @unchecked Sendable {
    public enum Mode: String, Sendable {
        case serve, hang, down
    }

    public let port: Int
    public let token: String
    private let process: Process

    /// Starts the server and waits until it reports its port.
    public init(root: URL, token: String = "", mode: Mode = .serve) throws {
        let (process, port) = try LocalServerProcess.launch(
            script: "git-http-server.py", arguments: ["--root", root.path, "--mode", mode.rawValue],
            environment: ["GIT_TEST_TOKEN": token])
        self.port = port
        self.token = token
        self.process = process
    }

    /// The URL of repository `name` (e.g. `app.git`) under the root.
    public func url(_ name: String) -> String {
        "http://127.0.0.1:\(port)/\(name)"
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
