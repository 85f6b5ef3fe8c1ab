/// Why an agent's request was refused or could not be answered: a sentence a person would read, which the MCP
/// server hands back as a tool error. It never carries a secret (texts from the root are redacted before they get
/// here) and says what was found and what is accepted.
public struct AgentToolError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
