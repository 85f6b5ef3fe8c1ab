import DeployCore
import Foundation
import Logging
import MCP

/// `deployctl mcp`: ``AgentTools`` served to one MCP client (Codex CLI, Claude Code, any MCP host) over a
/// line-delimited transport, normally standard input and output, until the client closes it.
///
/// Every tool answers with its JSON document twice, as MCP asks: as text and as structured content. A refusal (an
/// unknown repository, a path outside the repository, a malformed argument) is a tool error whose text is the
/// reason a person would read; nothing is written anywhere but `feedback/`.
public struct DeployMCPServer: Sendable {
    public let tools: AgentTools
    let logger: Logger
    /// The version the server gives in its handshake.
    public let version: String

    public init(tools: AgentTools, version: String, logger: Logger) {
        self.tools = tools
        self.version = version
        self.logger = logger
    }

    /// Serves `transport` until the client closes it, then waits for feedback this process is still processing.
    public func run(transport: any Transport) async throws {
        let server = Server(
            name: "deployctl", version: version,
            instructions: """
                deployctl keeps a deploy root's git repositories built, tested and deployed. To fix a red build: \
                get_build_report, read_file around each diagnostic, then submit_feedback with a unified diff and \
                wait_seconds; a patch becomes a commit only after it builds and passes its tests. If it is \
                rejected, read the reason and the verification, and try again.
                """,
            capabilities: .init(tools: .init(listChanged: false)))
        let tools = tools
        let logger = logger
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: AgentToolCatalog.tools) }
        await server.withMethodHandler(CallTool.self) { call in
            await Self.answer(call, tools: tools, logger: logger)
        }
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        await tools.finishProcessing()
    }

    /// The result of one tool call: the document, or a tool error with the reason.
    static func answer(_ call: CallTool.Parameters, tools: AgentTools, logger: Logger) async -> CallTool.Result {
        // The name is the client's: logged short and quoted, so it can neither flood nor forge log lines.
        let name = String(call.name.prefix(64)).debugDescription
        do {
            let document = try await run(call, tools: tools)
            return try result(document)
        } catch let refusal as AgentToolError {
            logger.info("mcp: \(name) refused: \(refusal.description.debugDescription)")
            return failure(refusal.description)
        } catch {
            logger.error("mcp: \(name) failed: \(error)")
            return failure("\(name) failed: the answer could not be encoded")
        }
    }

    /// A tool error whose text is `reason`.
    private static func failure(_ reason: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: reason, annotations: nil, _meta: nil)], isError: true)
    }

    /// Runs the tool `call` names.
    private static func run(_ call: CallTool.Parameters, tools: AgentTools) async throws(AgentToolError)
        -> any Encodable & Sendable
    {
        guard let accepted = AgentToolCatalog.arguments[call.name] else {
            throw AgentToolError(
                "there is no tool '\(call.name.prefix(64))'; the tools are: "
                    + AgentToolCatalog.arguments.keys.sorted().joined(separator: ", "))
        }
        let arguments = try ToolArguments(tool: call.name, values: call.arguments, accepted: accepted)
        switch call.name {
        case AgentToolCatalog.listRepositories:
            return RepositoryList(repositories: try tools.repositories())
        case AgentToolCatalog.getStatus:
            return try tools.status()
        case AgentToolCatalog.getBuildReport:
            return try tools.buildReport(repository: try arguments.string("repository"))
        case AgentToolCatalog.readLog:
            return try tools.readLog(
                repository: try arguments.string("repository"), tail: try arguments.optionalInteger("tail"),
                grep: try arguments.optionalString("grep"))
        case AgentToolCatalog.readFile:
            return try tools.readFile(
                repository: try arguments.string("repository"), path: try arguments.string("path"),
                startLine: try arguments.optionalInteger("start_line"), endLine: try arguments.optionalInteger("end_line"))
        case AgentToolCatalog.submitFeedback:
            let repository = try arguments.string("repository")
            let patch = try arguments.string("patch")
            let description = try arguments.string("description")
            if try arguments.optionalBool("dry_run") == true {
                return try await tools.checkFeedback(repository: repository, patch: patch, description: description)
            }
            return try await tools.submitFeedback(
                repository: repository, patch: patch, description: description,
                waitSeconds: try arguments.optionalNumber("wait_seconds") ?? 0)
        case AgentToolCatalog.getFeedback:
            return try tools.feedback(id: try arguments.string("id"))
        default:
            throw AgentToolError("there is no tool '\(call.name.prefix(64))'")
        }
    }

    /// `document` as JSON text and as the same structured content.
    private static func result(_ document: any Encodable) throws -> CallTool.Result {
        let text = try JSONOutput.encode(document)
        let structured = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        return try CallTool.Result(
            content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: structured, isError: false)
    }

    /// `list_repositories`' answer (structured content is an object).
    struct RepositoryList: Encodable, Sendable {
        var repositories: [AgentTools.RepositorySummary]
    }
}
