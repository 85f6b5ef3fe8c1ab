import DeployBuild
import DeployFeedback
import Foundation

extension Dispatcher {
    /// Whether fixes are proposed in cycles: `DISPATCHER_PROPOSE_FIXES=1` and `OPENAI_API_KEY` set.
    public var proposesFixes: Bool {
        configuration.proposeFixes && !(configuration.openAIAPIKey?.revealed.isEmpty ?? true)
    }

    /// Asks for fixes of `repository`'s last recorded build now (`deployctl apply-feedback --propose REPO`).
    ///
    /// Runs up to `DISPATCHER_PROPOSE_ATTEMPTS` new attempts, even when the automatic ones for that commit are used
    /// up (an explicit request); needs `OPENAI_API_KEY` but not `DISPATCHER_PROPOSE_FIXES`.
    /// - Throws: ``DispatcherError``: a configuration code when no key is set or the repository is not managed;
    ///   `toolchain`, `store` or `feedback` when the attempts cannot run.
    public func proposeFix(
        for repository: RepositoryName, toolchain: Toolchain? = nil, observer: (@Sendable (CycleEvent) -> Void)? = nil
    ) async throws(DispatcherError) -> ProposalRun {
        guard let client = CycleContext.chatClient(configuration, logger: logger) else {
            throw DispatcherError(
                .invalidValue, location: "OPENAI_API_KEY", found: "no key",
                accepted: "a key for the chat-completions endpoint at \(configuration.openAIAPIBase.absoluteString)")
        }
        let context = try commandContext(toolchain: toolchain, observer: observer)
        _ = try select([repository], from: context.managedRepositories, flag: "--propose")
        guard let last = context.previous[repository.rawValue]?.lastBuild else {
            return ProposalRun(
                repository: repository.rawValue, commit: nil, attempts: [], feedback: [], fixed: false,
                stopped: false, summary: "no build of \(repository) is recorded yet; run `deployctl run-once` first")
        }
        guard last.buildResult == .failed, last.head != nil else {
            return ProposalRun(
                repository: repository.rawValue, commit: last.head, attempts: [], feedback: [], fixed: false,
                stopped: false,
                summary: "the last build of \(repository) (\(last.head?.prefix(10) ?? "?")) is "
                    + "\(last.buildResult?.rawValue ?? "unknown"), not failed: nothing to fix")
        }
        let located: Toolchain
        do { located = try await context.locatedToolchain() } catch { throw Self.toolchainError(error) }
        let verifying = context.with(toolchain: located)
        return try await ProposePhase(context: verifying, client: client, feedback: try await feedbackPhase(verifying))
            .attempt(last, newAttempts: configuration.proposeAttempts)
    }
}
