/// How a step ended, with its duration and the last lines it printed.
///
/// A failing step is a normal outcome, not an error.
public struct StepOutcome: Sendable, Codable, Hashable {
    /// How the step ended.
    public enum Result: Sendable, Codable, Hashable {
        /// Exit status 0.
        case passed
        /// A non-zero exit status, or death by a signal.
        case failed(ExitStatus)
        /// The step ran past its timeout; its process group was terminated.
        case timedOut
        /// The calling task was cancelled; its process group was terminated.
        case cancelled
        /// The step did not run, for the reason given (e.g. "no Docker engine answers").
        case skipped(reason: String)
        /// The step's process could not be started; the message says why.
        case notStarted(message: String)

        /// Whether the step passed.
        public var isPassed: Bool { self == .passed }
    }

    /// How a process that ended on its own ended.
    public enum ExitStatus: Sendable, Codable, Hashable, CustomStringConvertible {
        /// The process exited with this code.
        case exited(Int32)
        /// The process was killed by this signal.
        case signaled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exit code \(code)"
            case .signaled(let signal): "signal \(signal)"
            }
        }
    }

    /// The step's name.
    public var step: BuildStep.Name
    /// The command that ran (secrets redacted).
    public var command: [String]
    /// How it ended.
    public var result: Result
    /// Wall-clock time from start to the end of teardown.
    public var duration: Duration
    /// The last lines of output (redacted), for summaries.
    public var lastLines: [String]
    /// Bytes of output written to the log.
    public var outputBytes: Int
    /// Why some output could not be written to the log, if that happened (the step still ran to its end).
    public var logError: String?

    /// Creates an outcome.
    public init(
        step: BuildStep.Name,
        command: [String],
        result: Result,
        duration: Duration,
        lastLines: [String] = [],
        outputBytes: Int = 0,
        logError: String? = nil
    ) {
        self.step = step
        self.command = command
        self.result = result
        self.duration = duration
        self.lastLines = lastLines
        self.outputBytes = outputBytes
        self.logError = logError
    }

    /// A skipped step that took no time.
    public static func skipped(_ step: BuildStep.Name, command: [String] = [], reason: String) -> StepOutcome {
        StepOutcome(step: step, command: command, result: .skipped(reason: reason), duration: .zero)
    }
}
