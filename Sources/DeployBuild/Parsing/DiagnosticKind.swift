/// The families of problems the Markdown summary has advice for, recognised from a diagnostic's message.
public enum DiagnosticKind: String, Codable, Sendable, Hashable {
    case missingModule
    case typeMismatch
    case missingSymbol
    case linker
    case missingArgument
    case exhaustiveness
    case deprecation
    case toolFailure
    case other

    /// Recognises `message`.
    public init(message: String) {
        if message.hasPrefix("no such module") {
            self = .missingModule
        } else if message.contains("undefined reference to") || message.hasPrefix("Undefined symbols")
            || message.hasPrefix("linker command failed") || message.hasPrefix("link command failed")
            || message.contains("duplicate symbol")
        {
            self = .linker
        } else if message.hasPrefix("cannot convert value of type") || message.hasPrefix("cannot assign value of type")
            || message.contains("does not conform to protocol") || message.hasPrefix("type mismatch")
        {
            self = .typeMismatch
        } else if message.hasPrefix("cannot find ") || message.contains("has no member") {
            self = .missingSymbol
        } else if message.hasPrefix("missing argument") || message.hasPrefix("extra argument") {
            self = .missingArgument
        } else if message.hasPrefix("switch must be exhaustive") {
            self = .exhaustiveness
        } else if message.contains("is deprecated") {
            self = .deprecation
        } else if message.hasSuffix("(use -v to see invocation)") {
            self = .toolFailure
        } else {
            self = .other
        }
    }
}
