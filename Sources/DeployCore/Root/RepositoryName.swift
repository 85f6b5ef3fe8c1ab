/// A validated repository name: one path component that can never leave `repos/` of the deploy root.
///
/// Accepted: letters, digits, `.`, `_`, `-`; not empty, not starting with `-` or `.`, at most 100 characters. So no
/// path separators, no `..`, nothing a shell would treat as an option or an operator.
public struct RepositoryName: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// - Throws: ``ConfigurationError`` with code `invalidRepositoryName`, naming what was found.
    public init(_ rawValue: String, location: String = "repository name") throws(ConfigurationError) {
        guard Self.isValid(rawValue) else {
            throw ConfigurationError(
                .invalidRepositoryName, location: location, found: "'\(Self.printable(rawValue))'",
                accepted: Self.accepted)
        }
        self.rawValue = rawValue
    }

    /// What a valid name looks like, for messages.
    public static let accepted =
        "1-100 characters from letters, digits, '.', '_', '-', not starting with '-' or '.'"

    /// Whether `name` is a valid repository name.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 100, let first = name.unicodeScalars.first else { return false }
        guard first != "-", first != "." else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
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
