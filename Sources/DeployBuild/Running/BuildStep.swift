import Foundation

/// One command DeployBuild runs for a repository: `swift build`, `swift test`, `docker build`, a custom command.
public struct BuildStep: Sendable {
    /// Which kind of step this is; used in log headers, reports and skip decisions.
    public struct Name: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The name as written in logs (`build`, `test`, `docker`, `e2e`, or a custom name).
        public let rawValue: String

        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public init(from decoder: any Decoder) throws { rawValue = try String(from: decoder) }
        public func encode(to encoder: any Encoder) throws { try rawValue.encode(to: encoder) }

        public static let build = Name("build")
        public static let test = Name("test")
        public static let docker = Name("docker")
        public static let e2e = Name("e2e")

        public var description: String { rawValue }
    }

    /// What kind of step this is.
    public var name: Name
    /// The executable (a path, or a name looked up on `PATH`) followed by its arguments.
    public var command: [String]
    /// The directory the command runs in.
    public var workingDirectory: URL
    /// Variables deployctl sets for the step, on top of ``StepEnvironment``'s allow-list of the dispatcher's own.
    public var environment: [String: String]
    /// Further variables passed through from the dispatcher's environment by name (a manifest's `env` list).
    public var inheritedVariables: [String]
    /// The sandbox the step runs in (feedback verification), or `nil` to run it as the dispatcher's user as is.
    public var sandbox: StepSandbox?
    /// How long the step may run before its whole process group is terminated.
    public var timeout: Duration
    /// How long processes get between `SIGTERM` and `SIGKILL` when the step is stopped.
    public var gracePeriod: Duration
    /// Whether the step's processes belong to this dispatcher (reaped by ``OrphanedSteps`` when a killed
    /// dispatcher left them running) or may outlive it.
    public var ownership: ProcessOwnership

    /// Creates a step.
    public init(
        name: Name,
        command: [String],
        workingDirectory: URL,
        environment: [String: String] = [:],
        inheritedVariables: [String] = [],
        timeout: Duration,
        gracePeriod: Duration = .seconds(3),
        sandbox: StepSandbox? = nil,
        ownership: ProcessOwnership = .dispatcher
    ) {
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.inheritedVariables = inheritedVariables
        self.sandbox = sandbox
        self.timeout = timeout
        self.gracePeriod = gracePeriod
        self.ownership = ownership
    }
}
