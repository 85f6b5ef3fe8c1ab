import Foundation

/// One session of the official MCP Python client (`mcp` from PyPI, in a test virtual environment) with the built
/// `deployctl mcp`, through `mcp-agent-session.py`: the handshake, the tool listing, then `calls` in order.
public struct MCPAgentSession: Sendable {
    /// One tool call's answer as the client saw it.
    public struct Result: @unchecked Sendable {
        public let name: String
        public let isError: Bool
        public let text: String
        /// The structured content, decoded (`[String: Any]`), or nil.
        public let structured: [String: Any]?
    }

    public let serverName: String
    public let serverVersion: String
    public let protocolVersion: String
    /// Each listed tool's name and required arguments.
    public let tools: [String: [String]]
    public let results: [Result]
    /// The transcript file as written (JSON), for a failure message or the issue note.
    public let transcript: String
    /// What the server wrote on standard error.
    public let serverLog: String

    /// Runs a session against `deployctl mcp --root ROOT` with a clean environment (PATH, HOME, the isolated git
    /// settings and `environment`).
    /// - Parameter calls: `(tool name, arguments)` in order.
    public static func run(
        root: URL, calls: [(String, [String: Any])], environment: [String: String], scratch: ScratchDirectory
    ) throws -> MCPAgentSession {
        let python = try PythonEnvironment.shared.python(with: ["mcp"])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("mcp-agent-session.py").path
        let id = UUID().uuidString.prefix(8)
        let callsFile = scratch.appending("mcp-calls-\(id).json")
        let transcriptFile = scratch.appending("mcp-transcript-\(id).json")
        let logFile = scratch.appending("mcp-server-\(id).log")
        try JSONSerialization.data(withJSONObject: calls.map { ["name": $0.0, "arguments": $0.1] })
            .write(to: callsFile)
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
        ]
        for (key, value) in Shell.isolatedGitEnvironment { env[key] = value }
        for (key, value) in environment { env[key] = value }
        let result = try Shell.run(
            ["env", "-i"] + env.map { "\($0)=\($1)" }.sorted()
                + [python, script, callsFile.path, transcriptFile.path, logFile.path, "--",
                   Deployctl.executable.path, "mcp", "--root", root.path])
        let serverLog = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        Deployctl.keepCapturedOutput(of: ["mcp", "--root", root.path], result.stdout, result.stderr + serverLog)
        guard result.status == 0, let data = FileManager.default.contents(atPath: transcriptFile.path),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw Shell.Failure(command: [script], result: ShellResult(
                status: result.status, stdout: result.stdout, stderr: result.stderr + "\n--- server\n" + serverLog))
        }
        // DEPLOYCTL_MCP_TRANSCRIPTS=DIR keeps each session's transcript and server log (for a person to read).
        if let kept = ProcessInfo.processInfo.environment["DEPLOYCTL_MCP_TRANSCRIPTS"] {
            let folder = URL(fileURLWithPath: kept)
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? data.write(to: folder.appendingPathComponent("transcript-\(id).json"))
            try? Data(serverLog.utf8).write(to: folder.appendingPathComponent("server-\(id).log"))
        }
        let server = object["server"] as? [String: Any] ?? [:]
        var tools: [String: [String]] = [:]
        for tool in object["tools"] as? [[String: Any]] ?? [] {
            tools[tool["name"] as? String ?? ""] = tool["required"] as? [String] ?? []
        }
        let results = (object["results"] as? [[String: Any]] ?? []).map { entry in
            Result(
                name: entry["name"] as? String ?? "", isError: entry["isError"] as? Bool ?? false,
                text: entry["text"] as? String ?? "", structured: entry["structured"] as? [String: Any])
        }
        return MCPAgentSession(
            serverName: server["name"] as? String ?? "", serverVersion: server["version"] as? String ?? "",
            protocolVersion: object["protocolVersion"] as? String ?? "", tools: tools, results: results,
            transcript: String(decoding: data, as: UTF8.self), serverLog: serverLog)
    }
}
