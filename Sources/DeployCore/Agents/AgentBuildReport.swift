import DeployBuild
import Foundation

/// A repository's last build and test report as an agent reads it (`get_build_report`): each distinct diagnostic
/// with its place, notes and the source lines around it from the checkout, each failed test with its message, the
/// crashed test. Paths are relative to the repository; every text has the configured secrets redacted.
public struct AgentBuildReport: Sendable, Hashable, Codable {
    /// One numbered line of a source file.
    public struct SourceLine: Sendable, Hashable, Codable {
        public var number: Int
        public var text: String
    }

    public struct Diagnostic: Sendable, Hashable, Codable {
        /// Relative to the repository when the file is in it; as printed otherwise.
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var severity: BuildReport.Severity
        public var message: String
        public var notes: [BuildReport.Note]
        /// How many times the build printed it.
        public var occurrences: Int
        /// The lines around ``line`` from the checkout, when the file is a regular file of the repository.
        public var source: [SourceLine]?
    }

    public struct FailedTest: Sendable, Hashable, Codable {
        public var suite: String?
        public var name: String
        public var file: String?
        public var line: Int?
        public var message: String
        /// The lines around ``line``, as for a diagnostic.
        public var source: [SourceLine]?
    }

    public var repository: String
    /// The commit that was built.
    public var commit: String?
    /// `passed`, `failed`, `flaky`, `timedOut`, …
    public var result: RecordedBuildResult
    public var finishedAt: Date
    /// The build's log, relative to the root (`read_log` reads it).
    public var log: String?
    public var errors: Int
    public var warnings: Int
    public var testsPassed: Int
    public var testsFailed: Int
    public var testsSkipped: Int
    /// At most ``AgentTools/reportItemLimit``, in order of first appearance.
    public var diagnostics: [Diagnostic]
    /// At most ``AgentTools/reportItemLimit``.
    public var failedTests: [FailedTest]
    public var crashedTest: BuildReport.CrashedTest?
    /// Whether diagnostics or failed tests were left out beyond the limit.
    public var truncated: Bool
}
