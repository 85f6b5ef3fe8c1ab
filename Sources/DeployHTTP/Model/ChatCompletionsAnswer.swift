/// A `chat.completion` object as OpenAI's API documents it (only the fields deployctl reads; all but `choices` and
/// each choice's `message` may be absent, as some compatible servers leave them out).
public struct ChatCompletionsAnswer: Decodable, Sendable, Hashable {
    /// One choice.
    public struct Choice: Decodable, Sendable, Hashable {
        /// The assistant's message.
        public struct Message: Decodable, Sendable, Hashable {
            public var role: String?
            /// The text; `nil` or empty when the model refused or was cut off.
            public var content: String?
            /// Why the model refused, when it did.
            public var refusal: String?
        }

        public var index: Int?
        public var message: Message
        /// `stop`, `length`, `content_filter`, …
        public var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, message
            case finishReason = "finish_reason"
        }
    }

    /// The completion's `id`.
    public var id: String?
    /// `chat.completion`.
    public var object: String?
    /// The model that answered.
    public var model: String?
    /// The choices, the first of which is read.
    public var choices: [Choice]
    /// What the request cost, when the endpoint says (OpenAI's `usage`).
    public var usage: Usage?

    /// The tokens a request used.
    public struct Usage: Decodable, Sendable, Hashable {
        public var promptTokens: Int?
        public var completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }
}
