import Foundation

/// Builds the greeting the sample service answers with.
public struct Greeting: Sendable {
    public let name: String

    public init(name: String) {
        self.name = name
    }

    /// `Hello, NAME!`, or `Hello, world!` for an empty name.
    public var text: String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return "Hello, \(trimmed.isEmpty ? "world" : trimmed)!"
    }
}
