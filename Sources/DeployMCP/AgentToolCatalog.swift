import DeployCore
import MCP

/// The tools `deployctl mcp` offers, with their descriptions and input schemas (JSON Schema, as MCP hosts show
/// them to the model).
enum AgentToolCatalog {
    static let listRepositories = "list_repositories"
    static let getStatus = "get_status"
    static let getBuildReport = "get_build_report"
    static let readLog = "read_log"
    static let readFile = "read_file"
    static let submitFeedback = "submit_feedback"
    static let getFeedback = "get_feedback"

    /// The argument names each tool takes.
    static let arguments: [String: Set<String>] = [
        listRepositories: [], getStatus: [], getBuildReport: ["repository"],
        readLog: ["repository", "tail", "grep"], readFile: ["repository", "path", "start_line", "end_line"],
        submitFeedback: ["repository", "patch", "description", "dry_run", "wait_seconds"], getFeedback: ["id"],
    ]

    static var tools: [Tool] {
        let readOnly = Tool.Annotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)
        let repository: Value = .object([
            "type": "string", "description": "A repository of the deploy root, as list_repositories names it.",
        ])
        return [
            Tool(
                name: listRepositories,
                description: "Each repository of the deploy root: name, branch, head commit, last result, and the "
                    + "deployed revision where deployments exist.",
                inputSchema: schema([:]), annotations: readOnly),
            Tool(
                name: getStatus,
                description: "The whole status document, as `deployctl status --json` prints it (docs/status.md).",
                inputSchema: schema([:]), annotations: readOnly),
            Tool(
                name: getBuildReport,
                description: "The last build and test report of a repository: each diagnostic with file, line, "
                    + "column, severity, message, notes and the source lines around it; failed tests with their "
                    + "messages; the crashed test.",
                inputSchema: schema(["repository": repository], required: ["repository"]), annotations: readOnly),
            Tool(
                name: readLog,
                description: "Bounded text from a repository's latest build log: the last `tail` lines (default "
                    + "\(AgentTools.defaultLogLines), at most \(AgentTools.maximumLogLines)), only lines containing "
                    + "`grep` (plain text, case-sensitive) when given.",
                inputSchema: schema(
                    [
                        "repository": repository,
                        "tail": .object(["type": "integer", "minimum": 1, "maximum": .int(AgentTools.maximumLogLines)]),
                        "grep": .object(["type": "string", "description": "Keep only lines containing this text."]),
                    ], required: ["repository"]),
                annotations: readOnly),
            Tool(
                name: readFile,
                description: "Lines of a file as committed at the checkout's HEAD (1-based, inclusive; at most "
                    + "\(AgentTools.maximumFileLines) lines). Only committed regular files inside the repository; "
                    + "symbolic links, .git/ and .build/ are refused; secrets are redacted.",
                inputSchema: schema(
                    [
                        "repository": repository,
                        "path": .object(["type": "string", "description": "Relative to the repository, e.g. Sources/App/main.swift."]),
                        "start_line": .object(["type": "integer", "minimum": 1]),
                        "end_line": .object(["type": "integer", "minimum": 1]),
                    ], required: ["repository", "path"]),
                annotations: readOnly),
            Tool(
                name: submitFeedback,
                description: "Hand in a patch (a unified diff, as `git diff` prints it) for a repository. It is "
                    + "validated exactly as a feedback file, then built and tested in isolation; only a green "
                    + "verification becomes a commit. dry_run: only say whether it would be accepted and apply. "
                    + "wait_seconds: wait up to that long for the outcome {id, state, reason, commit, verification}; "
                    + "state is pending, in-flight, deferred, applied or rejected.",
                inputSchema: schema(
                    [
                        "repository": repository,
                        "patch": .object(["type": "string", "description": "The unified diff."]),
                        "description": .object(["type": "string", "description": "Why: the commit message's body."]),
                        "dry_run": .object(["type": "boolean"]),
                        "wait_seconds": .object([
                            "type": "number", "minimum": 0, "maximum": .double(AgentTools.maximumWaitSeconds),
                        ]),
                    ], required: ["repository", "patch", "description"]),
                annotations: Tool.Annotations(
                    readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
            Tool(
                name: getFeedback,
                description: "Where a submitted feedback stands now: the same answer as submit_feedback's.",
                inputSchema: schema(
                    ["id": .object(["type": "string", "description": "The id submit_feedback answered."])],
                    required: ["id"]),
                annotations: readOnly),
        ]
    }

    private static func schema(_ properties: [String: Value], required: [String] = []) -> Value {
        var object: [String: Value] = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { object["required"] = .array(required.map { .string($0) }) }
        return .object(object)
    }
}
