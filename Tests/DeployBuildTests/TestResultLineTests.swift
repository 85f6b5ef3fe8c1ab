import DeployBuild
import Testing

/// One test per shape of an XCTest or Swift Testing result line, with literal lines taken from real swift 6.3.1
/// output.
@Suite struct TestResultLineTests {
    @Test func xctestFailure() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line:
                    #"/tmp/fx/mixed/Tests/CalcTests/XCTests.swift:10: error: ArithmeticTests.testAddFailsTwice : XCTAssertEqual failed: ("4") is not equal to ("5") - two plus two"#
            ) as? XCTestFailureLine
        )
        #expect(line.file == "/tmp/fx/mixed/Tests/CalcTests/XCTests.swift")
        #expect(line.line == 10)
        #expect(line.suite == "ArithmeticTests")
        #expect(line.test == "testAddFailsTwice")
        #expect(line.message == #"XCTAssertEqual failed: ("4") is not equal to ("5") - two plus two"#)
    }

    @Test func xctestFailureDarwinForm() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line:
                    #"/Users/me/Calc/Tests/CalcTests/XCTests.swift:10: error: -[CalcTests.ArithmeticTests testAddFailsTwice] : XCTAssertEqual failed"#
            ) as? XCTestFailureLine
        )
        #expect(line.suite == "ArithmeticTests")
        #expect(line.test == "testAddFailsTwice")
    }

    @Test func xctestCaseLines() throws {
        let started = try #require(
            BuildOutputParser.classify(
                line: "Test Case 'ArithmeticTests.testAddPasses' started at 2026-11-25 13:14:44.369"
            ) as? XCTestCaseLine
        )
        #expect(started.event == .started && started.suite == "ArithmeticTests" && started.test == "testAddPasses")
        let passed = try #require(
            BuildOutputParser.classify(line: "Test Case 'ArithmeticTests.testAddPasses' passed (0.101 seconds)")
                as? XCTestCaseLine
        )
        #expect(passed.event == .passed)
        let skipped = try #require(
            BuildOutputParser.classify(line: "Test Case 'ArithmeticTests.testSkipped' skipped (0.001 seconds)")
                as? XCTestCaseLine
        )
        #expect(skipped.event == .skipped)
        let failed = try #require(
            BuildOutputParser.classify(line: "Test Case 'ArithmeticTests.testAddFailsTwice' failed (0.002 seconds)")
                as? XCTestCaseLine
        )
        #expect(failed.event == .failed)
    }

    @Test func xctestExecutedCountsSkippedAndAssertions() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line: "\t Executed 3 tests, with 1 test skipped and 2 failures (0 unexpected) in 0.103 (0.103) seconds"
            ) as? XCTestExecutedLine
        )
        #expect(line.executed == 3 && line.skipped == 1 && line.failures == 2 && line.unexpected == 0)
        let plain = try #require(
            BuildOutputParser.classify(line: "\t Executed 0 tests, with 0 failures (0 unexpected) in 0.0 (0.0) seconds")
                as? XCTestExecutedLine
        )
        #expect(plain.executed == 0 && plain.skipped == 0 && plain.failures == 0)
    }

    @Test func swiftTestingTestLines() throws {
        let passed = try #require(
            BuildOutputParser.classify(line: "✔ Test freeFunctionPasses() passed after 0.001 seconds.")
                as? SwiftTestingTestLine
        )
        #expect(passed.name == "freeFunctionPasses()" && passed.event == .passed)
        let failed = try #require(
            BuildOutputParser.classify(line: "✘ Test addsWrongly() failed after 0.001 seconds with 1 issue.")
                as? SwiftTestingTestLine
        )
        #expect(failed.event == .failed)
        let started = try #require(
            BuildOutputParser.classify(line: "◇ Test crashes() started.") as? SwiftTestingTestLine
        )
        #expect(started.name == "crashes()" && started.event == .started)
        let skipped = try #require(
            BuildOutputParser.classify(line: #"➜ Test disabledOne() skipped: "waiting for a fix""#)
                as? SwiftTestingTestLine
        )
        #expect(skipped.name == "disabledOne()" && skipped.event == .skipped)
        #expect(
            BuildOutputParser.classify(line: "✘ Suite AdditionSuite failed after 0.002 seconds with 1 issue.") == nil
        )
    }

    @Test func swiftTestingIssueUsesBareFileName() throws {
        let issue = try #require(
            BuildOutputParser.classify(
                line:
                    "✘ Test addsWrongly() recorded an issue at SwiftTests.swift:10:9: Expectation failed: (value → 5) == 6"
            ) as? SwiftTestingIssueLine
        )
        #expect(issue.name == "addsWrongly()")
        #expect(issue.file == "SwiftTests.swift")
        #expect(issue.line == 10 && issue.column == 9)
        #expect(issue.message == "Expectation failed: (value → 5) == 6")
    }

    @Test func swiftTestingRunSummary() throws {
        let run = try #require(
            BuildOutputParser.classify(
                line: "✘ Test run with 4 tests in 1 suite failed after 0.002 seconds with 1 issue."
            ) as? SwiftTestingRunLine
        )
        #expect(run.tests == 4 && run.issues == 1)
        let started = try #require(BuildOutputParser.classify(line: "◇ Test run started.") as? SwiftTestingRunLine)
        #expect(started.tests == nil)
    }

    @Test func ordinaryTestOutputIsNotADiagnostic() {
        var parser = BuildOutputParser()
        parser.consume(line: "Test Case 'ArithmeticTests.testAddPasses' started at 2026-11-25 13:14:44.369")
        parser.consume(line: "error: this line is ordinary test output, not a diagnostic")
        parser.consume(line: "warning: ordinary output that mentions error: and warning:")
        parser.consume(line: "Test Case 'ArithmeticTests.testAddPasses' passed (0.101 seconds)")
        let report = parser.finish()
        #expect(report.diagnostics.isEmpty)
        #expect(report.tests.passed == 1)
    }

    @Test func crlfLineEnds() throws {
        let line = try #require(
            BuildOutputParser.classify(line: "Test Case 'ArithmeticTests.testAddPasses' passed (0.0 seconds)\r")
                as? XCTestCaseLine
        )
        #expect(line.event == .passed)
    }
}
