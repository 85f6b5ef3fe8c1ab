import DeployFeedback

/// The body of `POST {base}/chat/completions`: `{"model", "messages": [{"role", "content"}], "temperature"?}`, as
/// OpenAI's API describes `CreateChatCompletionRequest` (an absent temperature is left out, not sent as `null`).
public struct ChatCompletionsRequest: Encodable, Sendable, Hashable {
    /// The model asked.
    public var model: String
    /// The conversation.
    public var messages: [ChatMessage]
    /// Sampling temperature; `nil` leaves the endpoint's default.
    public var temperature: Double?

    /// - Parameters:
    ///   - model: the model asked.
    ///   - messages: the conversation, in order.
    ///   - temperature: sent when set.
    public init(model: String, messages: [ChatMessage], temperature: Double? = nil) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
    }
}
