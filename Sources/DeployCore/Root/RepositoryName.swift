import DeployFeedback

/// A validated repository name: one path component that can never leave `repos/` of the deploy root.
///
/// The rule is DeployFeedback's `FeedbackNames.isValidRepositoryName(_:)`: no path separators, no `..`, nothing a
/// shell would treat as an option or an operator.
public struct RepositoryName: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// - Throws: ``DispatcherError`` with code `invalidRepositoryName`, naming what was found.
    public init(_ rawValue: String, location: String = "repository name") throws(DispatcherError) {
        guard Self.isValid(rawValue) else {
            throw DispatcherError(
                .invalidRepositoryName, location: location, found: "'\(Self.printable(rawValue))'",
                accepted: Self.accepted)
        }
        self.rawValue = rawValue
    }

    /// What a valid name looks like, for messages.
    public static let accepted =
        "1-100 characters from letters, digits, '.', '_', '-', starting with a letter or digit, without '..' or a '.lock' suffix"

    /// Whether `name` is a valid repository name (the same rule feedback files are checked with).
    public static func isValid(_ name: String) -> Bool {
        FeedbackNames.isValidRepositoryName(name)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        self = try Self(value)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Control characters are shown escaped so a hostile name cannot rewrite the terminal.
    private static func printable(_ name: String) -> String {
        let escaped = name.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }
        let joined = escaped.joined()
        return joined.count > 120 ? String(joined.prefix(120)) + "…" : joined
    }
}
