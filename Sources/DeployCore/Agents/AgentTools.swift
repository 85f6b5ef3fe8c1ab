import DeployFeedback
import DeployGit
import Foundation
import Logging

/// What an agent (an LLM behind an MCP host, a script) may do on a deploy root, whatever protocol it speaks:
/// read the repositories' state, their last build report, log and committed files, and hand in feedback.
///
/// Every argument is treated as written by an attacker: repository names must be managed by the root, paths stay
/// inside the repository's committed tree (no symbolic link is followed), every text read is bounded and has the
/// configured secrets redacted. Nothing here writes anywhere but `feedback/`; submitted feedback goes through the
/// same validation, verification and publishing as a file dropped there.
public struct AgentTools: Sendable {
    public let root: DeployRoot
    public let configuration: DispatcherConfiguration
    /// The channel the feedback comes through: the prefix of its file names (`mcp-ID.json`) and its
    /// `metadata.source`.
    public let source: String
    let logger: Logger
    let redactor: SecretRedactor
    /// Feedback processed by this process when no loop holds the root, one document at a time.
    let processing: FeedbackProcessingQueue

    public init(root: DeployRoot, configuration: DispatcherConfiguration, source: String = "mcp", logger: Logger) {
        self.root = root
        self.configuration = configuration
        self.source = source
        self.logger = logger
        redactor = SecretRedactor(secrets: configuration.secrets)
        processing = FeedbackProcessingQueue()
    }

    /// One line per repository: what `list_repositories` answers.
    public struct RepositorySummary: Sendable, Hashable, Codable {
        public var name: String
        public var branch: String?
        public var head: String?
        /// The last build's result (`passed`, `failed`, …), or the last cycle's outcome when it built nothing.
        public var lastResult: String?
        /// The revision serving now, for a repository with a `deploy` block that rolled out.
        public var deployedRevision: String?
    }

    /// Every repository of the root, by name.
    public func repositories() throws(AgentToolError) -> [RepositorySummary] {
        try status().repos.map { repository in
            RepositorySummary(
                name: repository.name, branch: repository.branch, head: repository.head,
                lastResult: repository.lastBuild?.result.rawValue ?? repository.lastCycle?.outcome.rawValue,
                deployedRevision: repository.deployment?.revision)
        }
    }

    /// The same report as `deployctl status --json`.
    public func status() throws(AgentToolError) -> StatusReport {
        do { return try StatusReport.load(root: root) } catch {
            throw AgentToolError("the status of \(root.url.path) cannot be read: \(redactor.redact(error.description))")
        }
    }

    /// The managed repository named `name`, or why there is none.
    func repository(_ name: String) throws(AgentToolError) -> FeedbackRepository {
        guard FeedbackNames.isValidRepositoryName(name) else {
            throw AgentToolError(
                "'\(name.prefix(100))' is not a repository name (\(RepositoryName.accepted))")
        }
        let manifest: Manifest
        do { manifest = try Manifest.load(at: root.manifestFile) } catch {
            throw AgentToolError("the root's manifest cannot be read: \(redactor.redact(error.description))")
        }
        let repositories = FeedbackPhase.targets(root: root, manifest: manifest)
        guard let repository = repositories.first(where: { $0.name == name }) else {
            let names = repositories.map(\.name).joined(separator: ", ")
            throw AgentToolError(
                "this root has no repository '\(name)' (it has: \(names.isEmpty ? "none" : names))")
        }
        return repository
    }
}
