import DeployBuild
import Testing

/// `docker build` output (BuildKit, plain progress) fed line by line: the framing comes off, and the failure
/// summary's replay of a step's last lines does not count its diagnostics twice.
@Suite struct BuildKitLogTests {
    static let error =
        "/src/Sources/App/HTTPKernel.swift:15:42: error: cannot convert value of type 'String?' to specified type 'Int'"

    static func report(_ lines: [String]) -> BuildReport {
        BuildLogAnalyzer.analyze(lines: lines)
    }

    @Test func summaryReplayIsNotCountedAgain() throws {
        let report = Self.report([
            "#12 [build 6/6] RUN swift build",
            "#12 1.451 \(Self.error)",
            "#12 1.451    |                                          `- error: cannot convert value of type 'String?'",
            #"#12 ERROR: process "/bin/sh -c swift build" did not complete successfully: exit code: 1"#,
            "------",
            " > [build 6/6] RUN swift build:",
            "1.451 \(Self.error)",
            "------",
        ])
        let diagnostic = try #require(report.diagnostics.first)
        #expect(report.diagnostics.count == 1)
        #expect(diagnostic.file == "/src/Sources/App/HTTPKernel.swift")
        #expect(diagnostic.occurrences == 1)
    }

    @Test func olderBuildKitKeepsTheStepInItsSummary() {
        let report = Self.report([
            "#8 [4/4] RUN swift build",
            "#8 2.871 \(Self.error)",
            "------",
            " > [4/4] RUN swift build:",
            "#8 2.871 \(Self.error)",
            "------",
        ])
        #expect(report.diagnostics.count == 1)
        #expect(report.diagnostics.first?.occurrences == 1)
    }

    /// Each timestamp is one line of one compiler run: the compiler printing a diagnostic twice (emit-module and
    /// compile jobs) is still two occurrences, as outside Docker.
    @Test func repeatsWithinTheStepStillCount() {
        let report = Self.report([
            "#12 2.870 \(Self.error)",
            "#12 2.911 \(Self.error)",
        ])
        #expect(report.diagnostics.count == 1)
        #expect(report.diagnostics.first?.occurrences == 2)
    }

    /// A diagnostic only the summary shows (the log lost the step's earlier lines) is recorded.
    @Test func diagnosticOnlyInTheSummaryIsRecorded() {
        let report = Self.report([
            "#12 0.355 Building for debugging...",
            "------",
            " > [build 6/6] RUN swift build:",
            "2.871 \(Self.error)",
            "2.871 /src/Sources/App/main.swift:2:7: warning: initialization of immutable value 'x' was never used",
            "------",
        ])
        #expect(report.errorCount == 1)
        #expect(report.warningCount == 1)
        #expect(report.diagnostics.allSatisfy { $0.occurrences == 1 })
        #expect(report.diagnostics.map(\.file) == ["/src/Sources/App/HTTPKernel.swift", "/src/Sources/App/main.swift"])
    }

    /// From a terminal, BuildKit redraws a screen and prints the failed step's whole output only in its summary:
    /// the summary is then the output, tests included.
    @Test func summaryWithoutLiveOutputIsTheOutput() {
        let report = Self.report([
            "------",
            " > [test 5/5] RUN swift test:",
            "0.912 ◇ Test run started.",
            "0.913 ◇ Test addsWrongly() started.",
            "0.913 ✘ Test addsWrongly() recorded an issue at SwiftTests.swift:10:9: Expectation failed: (value → 5) == 6",
            "0.913 ✘ Test addsWrongly() failed after 0.001 seconds with 1 issue.",
            "------",
        ])
        #expect(report.tests.failed == 1)
        #expect(report.tests.failures.first?.name == "addsWrongly()")
    }

    /// Test results replayed by the summary were counted when they were printed live.
    @Test func replayedTestResultsAreNotCountedAgain() {
        let report = Self.report([
            "#9 0.913 ◇ Test addsWrongly() started.",
            "#9 0.913 ✘ Test addsWrongly() failed after 0.001 seconds with 1 issue.",
            "#9 0.914 ✘ Test run with 1 test in 0 suites failed after 0.002 seconds with 1 issue.",
            #"#9 ERROR: process "/bin/sh -c swift test" did not complete successfully: exit code: 1"#,
            "------",
            " > [test 5/5] RUN swift test:",
            "0.913 ✘ Test addsWrongly() failed after 0.001 seconds with 1 issue.",
            "0.914 ✘ Test run with 1 test in 0 suites failed after 0.002 seconds with 1 issue.",
            "------",
        ])
        #expect(report.tests.failed == 1)
        #expect(report.tests.failures.count == 1)
        #expect(report.tests.runnerTotals.swiftTestingTests == 1)
    }

    /// Outside a summary (after its closing rule, or with no ` > NAME:` header after a rule) a line starting with
    /// a decimal number is left as printed.
    @Test func bareSecondsOnlyInsideTheSummary() {
        let report = Self.report([
            "------",
            "1.5 /src/a.swift:1:2: error: not a summary",
        ])
        #expect(report.diagnostics.first?.file == "1.5 /src/a.swift")
    }
}
