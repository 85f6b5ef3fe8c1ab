/// The one error type of DeployBuild: a ``Code`` saying what went wrong plus a message with the context.
///
/// A failing build or test is not an error: it is a normal ``StepOutcome``. `BuildError` is for what stops
/// DeployBuild from running a step at all (no toolchain, a log that cannot be written, a process that cannot start).
/// Messages never contain secrets: they name paths, commands and codes only.
public struct BuildError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. New codes can be added without breaking callers; `==` compares codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let rawValue: String

        /// No Swift toolchain was found; the message lists every place that was looked at.
        public static let toolchainNotFound = Code(rawValue: "toolchainNotFound")
        /// The toolchain was found but `swift --version` failed or printed nothing usable.
        public static let toolchainUnusable = Code(rawValue: "toolchainUnusable")
        /// A step's process could not be started (missing executable, bad working directory).
        public static let spawnFailed = Code(rawValue: "spawnFailed")
        /// A log file or directory could not be created or written.
        public static let logWriteFailed = Code(rawValue: "logWriteFailed")
        /// A log file could not be read for analysis.
        public static let logReadFailed = Code(rawValue: "logReadFailed")
        /// A report could not be encoded or written.
        public static let reportWriteFailed = Code(rawValue: "reportWriteFailed")
        /// The sandbox that was asked for (`DISPATCHER_SANDBOX=bwrap`) is missing or cannot start.
        public static let sandboxUnavailable = Code(rawValue: "sandboxUnavailable")

        public var description: String { rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A human-readable explanation with the context (paths, commands), never secrets.
    public let message: String
    /// The `errno` of the underlying system call, when there was one.
    public let errno: Int32?

    /// Creates an error.
    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String {
        if let errno {
            return "\(code): \(message) (errno \(errno))"
        }
        return "\(code): \(message)"
    }
}
