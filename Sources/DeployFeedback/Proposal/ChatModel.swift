/// A chat model that answers a conversation: what ``FixProposer`` and ``ChatCommitMessageWriter`` ask.
///
/// DeployFeedback defines it and knows no HTTP; DeployHTTP's `ChatCompletionsClient` implements it for an
/// OpenAI-compatible endpoint (tests may implement it in memory).
public protocol ChatModel: Sendable {
    /// The model asked for (`OPENAI_MODEL`), as recorded in proposals when the answer names none.
    var model: String { get }

    /// Sends `messages` and returns the first choice's message, which is never empty.
    /// - Throws: ``FeedbackError/Code/model`` when the endpoint cannot be used (its message is the transport's error,
    ///   never holding the key); ``FeedbackError/Code/emptyAnswer`` when the model answered an empty message or
    ///   refused.
    func complete(_ messages: [ChatMessage]) async throws(FeedbackError) -> ChatCompletion
}
