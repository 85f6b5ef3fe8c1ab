import Foundation

/// One message of a chat-completions conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// `system`, `user` or `assistant`.
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
}

/// What the endpoint answered: the first choice's message.
public struct ChatCompletion: Sendable, Hashable {
    /// The completion's `id`.
    public var id: String
    /// The model that answered (the answer's `model`, else the one asked for).
    public var model: String
    /// The assistant message's text.
    public var content: String
    /// `stop`, `length`, `content_filter`, … (`nil` when absent).
    public var finishReason: String?
    /// The tokens it used, when the endpoint said.
    public var usage: TokenUsage?

    public init(id: String, model: String, content: String, finishReason: String? = nil, usage: TokenUsage? = nil) {
        self.id = id
        self.model = model
        self.content = content
        self.finishReason = finishReason
        self.usage = usage
    }
}

/// The tokens one request to a model used (the API's `usage`).
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}
