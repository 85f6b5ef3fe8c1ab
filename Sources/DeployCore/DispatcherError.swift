/// The one error DeployCore's operations throw: a configuration problem (a bad value, a malformed `dispatcher.env`
/// line, a bad flag or manifest; the CLI exits with status 2) or a failure to run (the root's lock held, the state
/// store unusable, no toolchain, feedback that could not be processed; status 3).
///
/// The message names where the problem is (a variable, a flag, `path:line`, a file), what was found and what is
/// accepted. A secret's value is never part of it.
public struct DispatcherError: Error, Sendable, Hashable, CustomStringConvertible {
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
        /// The deploy root does not exist, is not a folder, or its `deploy/` folder cannot be written.
        public static let invalidRoot = Code(rawValue: "invalid deploy root")
        /// Another dispatcher holds the root's lock.
        public static let rootLocked = Code(rawValue: "root locked")
        /// The state store cannot be opened, read or written.
        public static let store = Code(rawValue: "state store")
        /// No usable Swift toolchain.
        public static let toolchain = Code(rawValue: "no toolchain")
        /// Feedback could not be processed at all (each file's own outcome is a result, never this).
        public static let feedback = Code(rawValue: "feedback")
        /// A rollout asked for by hand that cannot be done as asked: no `deploy` block, no such kept release,
        /// nothing to roll back to.
        public static let deployment = Code(rawValue: "deployment")
        /// A release folder or `deploy/current/NAME` could not be written.
        public static let release = Code(rawValue: "release")

        /// Whether this is a configuration problem (the CLI's exit status 2) rather than a failure to run (3).
        public var isConfiguration: Bool {
            ![Code.rootLocked, .store, .toolchain, .feedback, .release].contains(self)
        }
    }

    public let code: Code
    /// Where the problem is: a variable name, a flag, `path:line`, or a file.
    public let location: String
    /// What was found (a secret's value is replaced by a placeholder).
    public let found: String
    /// What is accepted instead, or what to do.
    public let accepted: String

    public init(_ code: Code, location: String, found: String, accepted: String) {
        self.code = code
        self.location = location
        self.found = found
        self.accepted = accepted
    }

    public var description: String {
        switch code {
        case .rootLocked:
            "another dispatcher holds the lock on this root: \(found) (\(location)); \(accepted)"
        case .toolchain, .feedback, .release:
            found
        default:
            "\(location): \(code): found \(found); accepted: \(accepted)"
        }
    }
}
