import Foundation

/// A real service for rollout tests: a small Python HTTP server on 127.0.0.1 that a revision's `deploy.sh` starts
/// from its release folder, in a session of its own (a deploy command's process group is ended when it exits, so what
/// must outlive it leaves the group first, as `setsid`, systemd or a container engine do).
///
/// `GET /healthz` answers the status in the release's `status.txt` with `revision=SHA status=N`; `deploy.sh` stops the
/// server the previous release started (its pid is kept in the fixture's folder), writes `revision.txt` and exits
/// with the status the revision asks for.
public struct DeployedServiceFixture: Sendable {
    /// The port the service listens on.
    public let port: Int
    /// Where `server.pid` and each deploy's `deploys.log` line go (outside every release).
    public let stateFolder: URL
    /// The Python interpreter, by absolute path (steps get a scrubbed environment).
    public let python: String

    public init(scratch: ScratchDirectory) throws {
        port = try Self.freePort()
        stateFolder = scratch.appending("service-state")
        try FileManager.default.createDirectory(at: stateFolder, withIntermediateDirectories: true)
        python = try Shell.check(["python3", "-c", "import sys; print(sys.executable)"])
    }

    /// `http://127.0.0.1:PORT/healthz`.
    public var healthURL: String { "http://127.0.0.1:\(port)/healthz" }

    /// The files of one revision: the server, its deploy script, the status its health check answers, and a marker
    /// that makes each revision's tree its own.
    public func files(status: Int, deployExit: Int = 0, marker: String) -> [String: String] {
        [
            "server.py": """
                import http.server, sys
                class Handler(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        status = int(open('status.txt').read().strip())
                        revision = open('revision.txt').read().strip()
                        body = ('revision=%s status=%d\\n' % (revision, status)).encode()
                        self.send_response(status)
                        self.send_header('Content-Length', str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    def log_message(self, *args):
                        pass
                http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()

                """,
            "deploy.sh": """
                pidfile='\(stateFolder.path)/server.pid'
                if [ -f "$pidfile" ]; then
                    old=$(cat "$pidfile")
                    kill "$old" 2>/dev/null
                    i=0
                    # Until it is gone or a zombie (its socket is closed then; the reaper may be slow to collect it).
                    while [ $i -lt 100 ]; do
                        state=$(ps -o stat= -p "$old" 2>/dev/null)
                        case "$state" in ""|Z*) break ;; esac
                        sleep 0.05; i=$((i+1))
                    done
                fi
                echo "$DEPLOYCTL_REVISION" > revision.txt
                echo "$DEPLOYCTL_REPOSITORY $DEPLOYCTL_REVISION previous=${DEPLOYCTL_PREVIOUS_REVISION:-none} release=$DEPLOYCTL_RELEASE" >> '\(stateFolder.path)/deploys.log'
                setsid '\(python)' server.py \(port) > server.log 2>&1 < /dev/null &
                pid=$!
                echo $pid > "$pidfile"
                # The step's process group is ended when this script exits: wait until the server has its own session.
                while [ "$(ps -o sid= -p $pid | tr -d ' ')" = "$$" ]; do sleep 0.01; done
                echo "started the service of $DEPLOYCTL_REVISION"
                exit \(deployExit)

                """,
            "status.txt": "\(status)\n",
            "marker.txt": "\(marker)\n",
        ]
    }

    /// A manifest `deploy` block for this service.
    public func deployBlock(timeout: Double = 5, interval: Double = 0.1, health: [String: Any]? = nil) -> [String: Any] {
        [
            "command": ["sh", "deploy.sh"], "health": health ?? ["url": healthURL], "timeout": timeout,
            "interval": interval,
        ]
    }

    /// The service's answer to `GET /healthz` now (status and body), or nil when nothing answers.
    public func answer() -> (status: Int, body: String)? {
        guard
            let result = try? Shell.run([
                "curl", "-s", "--max-time", "2", "-o", "/dev/stdout", "-w", "\n%{http_code}", healthURL,
            ]), result.status == 0
        else { return nil }
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard let code = lines.last.flatMap({ Int($0) }) else { return nil }
        return (code, lines.dropLast().joined(separator: "\n"))
    }

    /// The lines `deploy.sh` appended, one per run.
    public func deploys() -> [String] {
        let text = (try? String(contentsOf: stateFolder.appendingPathComponent("deploys.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Stops the service the last deploy started.
    public func stop() {
        guard let text = try? String(contentsOf: stateFolder.appendingPathComponent("server.pid"), encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        kill(pid, SIGKILL)
    }

    /// A port nothing listens on now (bound to 0 and released).
    public static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
