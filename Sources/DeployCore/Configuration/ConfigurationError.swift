/// A configuration problem: a bad value, a malformed `dispatcher.env` line, a bad flag.
///
/// The message names the variable (or `file:line`), what was found and what is accepted. A secret's value is never
/// part of it. The CLI exits with status 2 for these.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let rawValue: String
        public var description: String { rawValue }

        /// A value that does not parse as the variable's type or is out of range.
        public static let invalidValue = Code(rawValue: "invalid value")
        /// A `dispatcher.env` line that is not `KEY=VALUE`.
        public static let malformedFile = Code(rawValue: "malformed dispatcher.env")
        /// `dispatcher.env` exists but cannot be read.
        public static let unreadableFile = Code(rawValue: "unreadable dispatcher.env")
        /// The manifest is malformed or names an invalid repository.
        public static let invalidManifest = Code(rawValue: "invalid manifest")
        /// A repository name that could form a path outside the root.
        public static let invalidRepositoryName = Code(rawValue: "invalid repository name")
        /// The deploy root does not exist or is not a folder.
        public static let invalidRoot = Code(rawValue: "invalid deploy root")
    }

    public let code: Code
    /// Where the problem is: a variable name, a flag, or `path:line`.
    public let location: String
    /// What was found (a secret's value is replaced by a placeholder).
    public let found: String
    /// What is accepted instead.
    public let accepted: String

    public init(_ code: Code, location: String, found: String, accepted: String) {
        self.code = code
        self.location = location
        self.found = found
        self.accepted = accepted
    }

    public var description: String {
        "\(location): \(code): found \(found); accepted: \(accepted)"
    }
}
