import DeployFeedback
import DeployHTTP
import Foundation
import Logging

extension CycleContext {
    /// The chat-completions client for `OPENAI_API_BASE`, `OPENAI_MODEL` and `DISPATCHER_MODEL_TIMEOUT`; `nil`
    /// without a key.
    func chatClient() -> ChatCompletionsClient? {
        Self.chatClient(configuration, logger: logger)
    }

    /// The chat-completions client `configuration` names; `nil` without a key.
    static func chatClient(_ configuration: DispatcherConfiguration, logger: Logger) -> ChatCompletionsClient? {
        guard let key = configuration.openAIAPIKey?.revealed, !key.isEmpty else { return nil }
        return ChatCompletionsClient(
            baseURL: configuration.openAIAPIBase, apiKey: key,
            options: ChatCompletionsClient.Options(
                model: configuration.openAIModel, timeout: .seconds(configuration.modelTimeout)),
            logger: logger)
    }

    /// Generates commit messages from the staged diff when `OPENAI_API_KEY` is set (the message falls back to the
    /// feedback description on a timeout or an error).
    func commitMessageWriter() -> (any CommitMessageWriter)? {
        chatClient().map { ChatCommitMessageWriter(client: $0, logger: logger) }
    }
}
