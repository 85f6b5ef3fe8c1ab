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
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("git-http-server.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--root", root.path, "--mode", mode.rawValue]
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TEST_TOKEN"] = token
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw Shell.Failure(
                command: process.arguments ?? [],
                result: ShellResult(status: -1, stdout: String(decoding: line, as: UTF8.self), stderr: "no port reported"))
        }
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
