/// What a model charges per million tokens (`DISPATCHER_MODEL_PRICE_PROMPT`, `DISPATCHER_MODEL_PRICE_COMPLETION`),
/// in whatever currency the prices are given in.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var promptPerMillion: Double
    public var completionPerMillion: Double

    public init(promptPerMillion: Double, completionPerMillion: Double) {
        self.promptPerMillion = promptPerMillion
        self.completionPerMillion = completionPerMillion
    }

    /// What `usage` cost.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.promptTokens) * promptPerMillion + Double(usage.completionTokens) * completionPerMillion)
            / 1_000_000
    }
}
