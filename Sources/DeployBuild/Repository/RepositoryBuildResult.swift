import Foundation

/// Everything one repository's build produced: each step's outcome and report, the overall result, and the facts.
///
/// Written as JSON beside the cycle log (``BuildLogFile/reportURL(repository:)``).
public struct RepositoryBuildResult: Sendable, Codable, Hashable {
    /// The overall result.
    public enum Result: String, Sendable, Codable, Hashable {
        case passed, failed, timedOut, cancelled, skipped
    }

    /// One step that ran (or was skipped), with what its output held.
    public struct StepRecord: Sendable, Codable, Hashable {
        public var outcome: StepOutcome
        /// The facts parsed from this step's output.
        public var report: BuildReport
        /// 1 for the first run of a step; test retries count up.
        public var attempt: Int

        public init(outcome: StepOutcome, report: BuildReport, attempt: Int = 1) {
            self.outcome = outcome
            self.report = report
            self.attempt = attempt
        }
    }

    /// The repository's name.
    public var repository: String
    /// The toolchain's version string, recorded for skip decisions.
    public var toolchainVersion: String
    /// Steps in the order they ran.
    public var steps: [StepRecord]
    /// The overall result.
    public var result: Result
    /// Tests failed and then passed on a retry with no code change: not green.
    public var flaky: Bool
    /// Which test attempt passed (1 = the first), when tests ran and passed.
    public var testsPassedOnAttempt: Int?
    /// Diagnostics of the build and test steps, and the results of the last test attempt.
    public var report: BuildReport
    /// Why Docker steps were skipped, when they were.
    public var dockerSkipReason: String?
    /// Total wall-clock time.
    public var duration: Duration

    public init(
        repository: String,
        toolchainVersion: String,
        steps: [StepRecord],
        result: Result,
        flaky: Bool,
        testsPassedOnAttempt: Int?,
        report: BuildReport,
        dockerSkipReason: String?,
        duration: Duration
    ) {
        self.repository = repository
        self.toolchainVersion = toolchainVersion
        self.steps = steps
        self.result = result
        self.flaky = flaky
        self.testsPassedOnAttempt = testsPassedOnAttempt
        self.report = report
        self.dockerSkipReason = dockerSkipReason
        self.duration = duration
    }

    /// Whether everything passed at the first attempt (flaky results are not green).
    public var isGreen: Bool { result == .passed && !flaky }

    /// Writes the result as pretty JSON to `url`, atomically.
    ///
    /// - Throws: ``BuildError/Code/reportWriteFailed``.
    public func write(to url: URL) throws(BuildError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(self).write(to: url, options: .atomic)
        } catch {
            throw BuildError(.reportWriteFailed, "cannot write report \(url.path): \(error.localizedDescription)")
        }
    }
}
