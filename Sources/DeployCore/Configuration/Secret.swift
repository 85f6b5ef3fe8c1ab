/// A secret configuration value (a token or an API key).
///
/// Its `description` is only `set`, so printing a configuration, interpolating it into a log line or an error
/// message never shows the value. Code that must send the secret (an HTTP header, a git credential) reads
/// ``revealed`` explicitly.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself. Pass it only to the place that needs it; never log it.
    public let revealed: String

    public init(_ value: String) {
        self.revealed = value
    }

    public var description: String { "set" }
    public var debugDescription: String { "Secret(set)" }
}
