/// The facts a build or test log holds: distinct compiler and linker diagnostics, and test results.
///
/// JSON shape (stable; fields may be added):
/// `{"diagnostics":[{"file","line","column","severity","message","notes":[…],"occurrences"}],
///   "tests":{"passed","failed","skipped","failures":[{"suite","name","file","line","message"}],
///            "crashed":{"suite","name","signal","message","candidates":[…]}|null}}`
public struct BuildReport: Codable, Sendable, Hashable {
    /// How serious a diagnostic is.
    public enum Severity: String, Codable, Sendable, Hashable {
        case error, warning, note, remark
    }

    /// A note attached to a diagnostic (`note: add missing case`, `note: 'f' declared here`).
    public struct Note: Codable, Sendable, Hashable {
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var message: String

        public init(file: String? = nil, line: Int? = nil, column: Int? = nil, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.message = message
        }
    }

    /// One distinct diagnostic, however many times the compiler printed it.
    public struct Diagnostic: Codable, Sendable, Hashable {
        /// The source file, as printed (absolute for the compiler; `nil` for tool errors such as the linker driver's).
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var severity: Severity
        /// The message without its `[#Category]` suffix.
        public var message: String
        /// Notes attached to it, each once.
        public var notes: [Note]
        /// How many times it was printed.
        public var occurrences: Int
        /// The compiler's diagnostic group (`DeprecatedDeclaration`), when printed.
        public var category: String?
        /// What kind of problem it is, for summaries and hints.
        public var kind: DiagnosticKind

        public init(
            file: String?,
            line: Int?,
            column: Int?,
            severity: Severity,
            message: String,
            notes: [Note] = [],
            occurrences: Int = 1,
            category: String? = nil
        ) {
            self.file = file
            self.line = line
            self.column = column
            self.severity = severity
            self.message = message
            self.notes = notes
            self.occurrences = occurrences
            self.category = category
            self.kind = DiagnosticKind(message: message)
        }
    }

    /// One failed test (several failed assertions in one test make one entry).
    public struct TestFailure: Codable, Sendable, Hashable {
        /// The XCTest class or Swift Testing suite; `nil` when the log does not say (Swift Testing failure lines).
        public var suite: String?
        public var name: String
        /// Where the first issue was recorded: a path for XCTest, a bare file name for Swift Testing.
        public var file: String?
        public var line: Int?
        /// The first issue's message.
        public var message: String
        /// How many failed assertions / recorded issues the log shows for it.
        public var issues: Int
        /// `xctest` or `swift-testing`.
        public var framework: String
        /// How many times this test failed in the log (more than 1 only in logs holding several runs).
        public var occurrences: Int

        public init(
            suite: String?,
            name: String,
            file: String?,
            line: Int?,
            message: String,
            issues: Int = 1,
            framework: String,
            occurrences: Int = 1
        ) {
            self.suite = suite
            self.name = name
            self.file = file
            self.line = line
            self.message = message
            self.issues = issues
            self.framework = framework
            self.occurrences = occurrences
        }
    }

    /// The test that was running when the test process crashed.
    ///
    /// XCTest runs one test at a time: the one started and not finished crashed. Swift Testing runs tests in
    /// parallel, so the last one started need not be the one that crashed: the crashed thread's backtrace names it
    /// (a frame in a running test's function), or it is the only test running. When the log cannot tell, `name` is
    /// `nil` and `candidates` lists the tests that were running, one of which crashed.
    public struct CrashedTest: Codable, Sendable, Hashable {
        public var suite: String?
        /// `nil` when the crash happened outside any test, or when the log cannot tell which of `candidates` crashed.
        public var name: String?
        /// The signal number (4 for `SIGILL`, the usual `fatalError`).
        public var signal: Int32?
        /// The `Fatal error:` message or the backtracer's crash line.
        public var message: String?
        /// The tests running when it crashed, in start order, when `name` could not be told (two or more); empty
        /// otherwise. Absent from reports written before it existed (read as empty).
        public var candidates: [String]

        public init(suite: String?, name: String?, signal: Int32?, message: String?, candidates: [String] = []) {
            self.suite = suite
            self.name = name
            self.signal = signal
            self.message = message
            self.candidates = candidates
        }

        enum CodingKeys: String, CodingKey {
            case suite, name, signal, message, candidates
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            suite = try container.decodeIfPresent(String.self, forKey: .suite)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            signal = try container.decodeIfPresent(Int32.self, forKey: .signal)
            message = try container.decodeIfPresent(String.self, forKey: .message)
            candidates = try container.decodeIfPresent([String].self, forKey: .candidates) ?? []
        }

        /// Who crashed, for people: `Suite.name`, `one of 3 running tests: a(), b(), c()`, or `outside any test`.
        public var displayName: String {
            if let name { return (suite.map { "\($0)." } ?? "") + name }
            if !candidates.isEmpty {
                return "one of \(candidates.count) running tests: " + candidates.joined(separator: ", ")
            }
            return "outside any test"
        }
    }

    /// The totals a test runner printed itself, kept beside our own counts.
    public struct RunnerTotals: Codable, Sendable, Hashable {
        /// XCTest's `Executed N tests` (skipped tests included).
        public var xctestExecuted: Int?
        public var xctestSkipped: Int?
        /// XCTest's failures: assertions, not tests.
        public var xctestFailures: Int?
        /// Swift Testing's `Test run with N tests` (skipped tests included).
        public var swiftTestingTests: Int?
        public var swiftTestingIssues: Int?

        public init() {}
    }

    /// Test results, summed over XCTest and Swift Testing.
    public struct Tests: Codable, Sendable, Hashable {
        /// Tests that passed (skipped tests are not counted).
        public var passed: Int
        /// Tests that failed, including one that crashed.
        public var failed: Int
        public var skipped: Int
        /// One entry per failed test.
        public var failures: [TestFailure]
        /// The crashed test, or `null`.
        public var crashed: CrashedTest?
        /// What the runners printed as their own totals.
        public var runnerTotals: RunnerTotals

        public init(
            passed: Int = 0,
            failed: Int = 0,
            skipped: Int = 0,
            failures: [TestFailure] = [],
            crashed: CrashedTest? = nil,
            runnerTotals: RunnerTotals = RunnerTotals()
        ) {
            self.passed = passed
            self.failed = failed
            self.skipped = skipped
            self.failures = failures
            self.crashed = crashed
            self.runnerTotals = runnerTotals
        }

        enum CodingKeys: String, CodingKey {
            case passed, failed, skipped, failures, crashed, runnerTotals
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(passed, forKey: .passed)
            try container.encode(failed, forKey: .failed)
            try container.encode(skipped, forKey: .skipped)
            try container.encode(failures, forKey: .failures)
            try container.encode(crashed, forKey: .crashed)  // `null`, not absent, when nothing crashed
            try container.encode(runnerTotals, forKey: .runnerTotals)
        }
    }

    /// Distinct diagnostics in order of first appearance.
    public var diagnostics: [Diagnostic]
    public var tests: Tests
    /// Lines read.
    public var lines: Int
    /// Lines that matched a known shape (diagnostics, excerpts, progress, test lines).
    public var recognizedLines: Int

    public init(diagnostics: [Diagnostic] = [], tests: Tests = Tests(), lines: Int = 0, recognizedLines: Int = 0) {
        self.diagnostics = diagnostics
        self.tests = tests
        self.lines = lines
        self.recognizedLines = recognizedLines
    }

    /// Distinct errors.
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    /// Distinct warnings.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
    /// Whether the log shows any error, failed test or crash.
    public var hasProblems: Bool { errorCount > 0 || tests.failed > 0 || tests.crashed != nil }
}
