import ArgumentParser
import DeployCore
import DeployMCP
import Foundation
import Logging

extension Deployctl {
    struct MCP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve the deploy root to an agent over the Model Context Protocol (stdio).",
            discussion: """
                An MCP host (Codex CLI, Claude Code, Cursor, …) starts `deployctl mcp --root DIR` and talks to it \
                over standard input and output; logs go to standard error. Tools: list_repositories, get_status, \
                get_build_report, read_log, read_file, submit_feedback and get_feedback (docs/agents.md). Nothing \
                is written anywhere but feedback/: a submitted patch is queued there, taken by a running loop, or \
                processed by this process under the root's lock when no loop runs, and verified like any feedback \
                file. The server ends when the host closes its input, after the feedback it is processing.
                """
        )

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let context = try CommandContext(options: options)
            let tools = AgentTools(root: context.root, configuration: context.configuration, logger: context.logger)
            let server = DeployMCPServer(
                tools: tools, version: Deployctl.configuration.version, logger: context.logger)
            context.logger.info(
                "mcp: serving \(context.root.url.path) on standard input and output", source: CommandContext.logSource)
            do {
                try await server.run(transport: LineDelimitedTransport(logger: context.logger))
            } catch {
                throw CommandFailure(message: "mcp: \(error)", exitStatus: ExitStatus.infrastructure)
            }
        }
    }
}
