import DeployBuild
import Testing

/// One test per line shape, with literal lines taken from real swift 6.3.1 output.
@Suite struct ParserLineTests {
    @Test func compilerDiagnostic() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line:
                    #"/tmp/fx/cerr/Sources/Broken/Use.swift:3:30: error: cannot convert value of type 'String' to expected argument type 'Int'"#
            ) as? CompilerDiagnosticLine
        )
        #expect(line.file == "/tmp/fx/cerr/Sources/Broken/Use.swift")
        #expect(line.line == 3)
        #expect(line.column == 30)
        #expect(line.severity == .error)
        #expect(line.message == "cannot convert value of type 'String' to expected argument type 'Int'")
        #expect(line.category == nil)
    }

    @Test func compilerWarningWithCategory() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line:
                    #"/tmp/fx/notes/Sources/Lib/Use.swift:3:18: warning: 'oldDescribe' is deprecated: use describe(_:label:) [#DeprecatedDeclaration]"#
            ) as? CompilerDiagnosticLine
        )
        #expect(line.severity == .warning)
        #expect(line.message == "'oldDescribe' is deprecated: use describe(_:label:)")
        #expect(line.category == "DeprecatedDeclaration")
    }

    @Test func terminalCaptureWithRedrawColoursAndHyperlink() throws {
        let raw =
            "\u{1B}[2K\r[2/3] Compiling Lib Use.swift\u{1B}[2K\r/tmp/fx/notes/Sources/Lib/Use.swift:3:18: \u{1B}[1;33mwarning: \u{1B}[1;39m'oldDescribe' is deprecated: use describe(_:label:)\u{1B}[0;0m [#\u{1B}]8;;https://docs.swift.org/compiler/documentation/diagnostics/deprecated-declaration\u{1B}\\DeprecatedDeclaration\u{1B}]8;;\u{1B}\\]\r"
        let line = try #require(BuildOutputParser.classify(line: raw) as? CompilerDiagnosticLine)
        #expect(line.file == "/tmp/fx/notes/Sources/Lib/Use.swift")
        #expect(line.message == "'oldDescribe' is deprecated: use describe(_:label:)")
        #expect(line.category == "DeprecatedDeclaration")
    }

    @Test func sourceExcerptNoteAndRepeat() throws {
        let note = try #require(
            BuildOutputParser.classify(line: #"   |     `- note: add missing case: '.b'"#) as? SourceExcerptLine
        )
        #expect(note.marker == .note)
        #expect(note.message == "add missing case: '.b'")
        let nested = try #require(
            BuildOutputParser.classify(line: #"   |     |- error: switch must be exhaustive"#) as? SourceExcerptLine
        )
        #expect(nested.marker == .error)
        let code = try #require(BuildOutputParser.classify(line: #"11 |     switch kind {"#) as? SourceExcerptLine)
        #expect(code.marker == nil)
        let codeWithColon = try #require(
            BuildOutputParser.classify(line: #" 6 | func describe(_ model: Model, label: String) -> String {"#)
                as? SourceExcerptLine
        )
        #expect(codeWithColon.marker == nil)
    }

    @Test func progressAndFootnote() throws {
        let progress = try #require(
            BuildOutputParser.classify(line: "[4/15] Compiling Calc Calc.swift") as? ProgressLine
        )
        #expect(progress.done == 4 && progress.total == 15)
        let footnote = try #require(
            BuildOutputParser.classify(
                line:
                    "[#DeprecatedDeclaration]: <https://docs.swift.org/compiler/documentation/diagnostics/deprecated-declaration>"
            ) as? DiagnosticFootnoteLine
        )
        #expect(footnote.group == "DeprecatedDeclaration")
    }

    @Test func buildPhase() throws {
        let building = try #require(BuildOutputParser.classify(line: "Building for debugging...") as? BuildPhaseLine)
        #expect(!building.complete)
        let done = try #require(BuildOutputParser.classify(line: "Build complete! (19.09s)") as? BuildPhaseLine)
        #expect(done.complete)
        let target = try #require(
            BuildOutputParser.classify(line: "Build of target: 'DeployBuild' complete! (1.52s)") as? BuildPhaseLine
        )
        #expect(target.complete)
    }

    @Test func linkerLocatedError() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line: #"/tmp/fx/link/Sources/Tool/main.swift:4: error: undefined reference to 'deploy_missing_symbol'"#
            ) as? LocatedErrorLine
        )
        #expect(line.file == "/tmp/fx/link/Sources/Tool/main.swift")
        #expect(line.line == 4)
        #expect(line.message == "undefined reference to 'deploy_missing_symbol'")
    }

    @Test func toolErrors() throws {
        let swiftpm = try #require(
            BuildOutputParser.classify(line: "error: link command failed with exit code 1 (use -v to see invocation)")
                as? ToolErrorLine
        )
        #expect(swiftpm.tool == nil)
        #expect(swiftpm.message == "link command failed with exit code 1 (use -v to see invocation)")
        let clang = try #require(
            BuildOutputParser.classify(
                line: "clang: error: linker command failed with exit code 1 (use -v to see invocation)"
            ) as? ToolErrorLine
        )
        #expect(clang.tool == "clang")
    }

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

    @Test func crashLines() throws {
        let fatal = try #require(
            BuildOutputParser.classify(line: "BoomTests/BoomTests.swift:7: Fatal error: deliberate crash in test")
                as? FatalErrorLine
        )
        #expect(
            fatal.file == "BoomTests/BoomTests.swift" && fatal.line == 7 && fatal.message == "deliberate crash in test"
        )
        let banner = try #require(
            BuildOutputParser.classify(line: "*** Signal 4: Backtracing from 0x7fa6a8cf9361... done ***")
                as? CrashBannerLine
        )
        #expect(banner.signal == 4)
        let crashed = try #require(
            BuildOutputParser.classify(line: "*** Program crashed: Illegal instruction at 0x00007fa6a8cf9361 ***")
                as? CrashBannerLine
        )
        #expect(crashed.description == "Illegal instruction")
    }

    @Test func splicedUnexpectedSignal() throws {
        let spliced =
            #" 17 [async]          0error: Process '/tmp/fx/crashst/.build/x86_64-unknown-linux-gnu/debug/BoomPackageTests.xctest --testing-library swift-testing' exited with unexpected signal code 4"#
        let line = try #require(BuildOutputParser.classify(line: spliced) as? UnexpectedSignalLine)
        #expect(line.signal == 4)
    }

    @Test func stepHeader() throws {
        let header = try #require(
            BuildOutputParser.classify(line: "== repo api: step test == swift test --jobs 2") as? StepHeaderLine
        )
        #expect(header.repository == "api" && header.step == "test")
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

    @Test func fatalErrorOlderForm() throws {
        let fatal = try #require(
            BuildOutputParser.classify(
                line: "Fatal error: Unexpectedly found nil while unwrapping an Optional value: file App/Thing.swift, line 42"
            ) as? FatalErrorLine
        )
        #expect(fatal.file == "App/Thing.swift" && fatal.line == 42)
        #expect(fatal.message == "Unexpectedly found nil while unwrapping an Optional value")
        let located = try #require(
            BuildOutputParser.classify(line: "/src/Sources/App/Thing.swift:42: Fatal error: Index out of range")
                as? FatalErrorLine
        )
        #expect(located.file == "/src/Sources/App/Thing.swift" && located.line == 42)
    }

    @Test func stackTraceHeader() {
        #expect(BuildOutputParser.classify(line: "Current stack trace:") is StackTraceHeaderLine)
    }

    @Test func backtraceThreadLines() throws {
        let crashed = try #require(withLine(#"Thread 2 "oot.default-qos" crashed:"#, BacktraceThreadLine.parse))
        #expect(crashed.number == 2 && crashed.crashed)
        let other = try #require(withLine(#"Thread 0 "BoomPackageTest":"#, BacktraceThreadLine.parse))
        #expect(other.number == 0 && !other.crashed)
        let bare = try #require(withLine("Thread 1 crashed:", BacktraceThreadLine.parse))
        #expect(bare.crashed)
        #expect(withLine("Thread model: posix", BacktraceThreadLine.parse) == nil)
    }

    @Test func backtraceFrameForms() throws {
        let test = try #require(
            withLine(
                "  4 [ra]             0x00005562af969841 InventoryTests.lookupCrashes() + 48 in BoomPackageTests.xctest at /tmp/fx/par/Tests/BoomTests/BoomTests.swift:7:25",
                BacktraceFrameLine.parse
            )
        )
        #expect(test.index == 4)
        #expect(test.symbol == "InventoryTests.lookupCrashes()")
        #expect(test.file == "/tmp/fx/par/Tests/BoomTests/BoomTests.swift" && test.line == 7)
        #expect(test.names(test: "lookupCrashes()"))
        #expect(!test.names(test: "crashes()"), "a name is matched whole")

        let async = try #require(
            withLine(
                " 11 [async]          0x00007f19a99556a0 closure #1 in static Runner._runTestCase(_:within:context:) in libTesting.so",
                BacktraceFrameLine.parse
            )
        )
        #expect(async.symbol == "closure #1 in static Runner._runTestCase(_:within:context:)")
        #expect(async.file == nil)

        let thunk = try #require(
            withLine(
                "  5 [async]          0x00005562af969440 static InventoryTests.$s9BoomTests09InventoryB0V13lookupCrashes4TestfMp_17Z212f9ee1f380da9dfMu_@Sendable () in BoomPackageTests.xctest at /tmp/swift-generated-sources/@__swiftmacro_9BoomTests09InventoryB0V13lookupCrashes4TestfMp_.swift:4",
                BacktraceFrameLine.parse
            )
        )
        #expect(!thunk.names(test: "lookupCrashes()"), "the macro's thunk is not the test's frame")

        let runtime = try #require(
            withLine(
                "5    BoomPackageTests.xctest            0x000055e4e73fa0b9 <unavailable> + 37049",
                BacktraceFrameLine.parse
            )
        )
        #expect(runtime.index == 5 && runtime.symbol == "<unavailable>")

        let debugger = try #require(
            withLine(
                "#0 0x00005555555a1b2c in closure #1 in AppTests.someTest() at /src/Tests/AppTests/AppTests.swift:17",
                BacktraceFrameLine.parse
            )
        )
        #expect(debugger.symbol == "closure #1 in AppTests.someTest()")
        #expect(debugger.file == "/src/Tests/AppTests/AppTests.swift" && debugger.line == 17)
        #expect(debugger.names(test: "someTest()"))

        #expect(withLine("12 |     let mask = 0xFF", BacktraceFrameLine.parse) == nil)
        let image = "0x0000561423f3f000–0x0000561423f83018 29d29b219e BoomPackageTests.xctest"
        #expect(withLine(image, BacktraceFrameLine.parse) == nil)
    }

    @Test func buildKitStepOutputIsUnwrapped() throws {
        let diagnostic = try #require(
            BuildOutputParser.classify(
                line: "#34 6.797 /src/Sources/App/HTTPKernel.swift:12:5: error: cannot find 'router' in scope"
            ) as? CompilerDiagnosticLine
        )
        #expect(diagnostic.file == "/src/Sources/App/HTTPKernel.swift", "the path as printed inside the container")
        #expect(diagnostic.line == 12 && diagnostic.column == 5)
        #expect(diagnostic.message == "cannot find 'router' in scope")
        let progress = try #require(
            BuildOutputParser.classify(line: "#12 12.34 [3/5] Compiling App HTTPKernel.swift") as? ProgressLine
        )
        #expect(progress.done == 3 && progress.total == 5)
        let excerpt = try #require(
            BuildOutputParser.classify(line: "#12 123.4    |                |- note: use optional chaining")
                as? SourceExcerptLine
        )
        #expect(excerpt.marker == .note)
    }

    @Test func buildKitLogLinePrefix() throws {
        let stepped = try #require(withLine("#12 1.451 Building for production...", BuildKitLogLine.parse))
        #expect(stepped.step == 12 && stepped.textStart == 10)
        let empty = try #require(withLine("#12 1.451 ", BuildKitLogLine.parse))
        #expect(empty.textStart == 10)
        let trimmed = try #require(withLine("#12 1.451", BuildKitLogLine.parse))
        #expect(trimmed.textStart == 9)
        let summary = try #require(
            withLine("1.451 /src/Sources/App/HTTPKernel.swift:15:42: error: x", BuildKitLogLine.parseSummary)
        )
        #expect(summary.step == nil && summary.textStart == 6)
        #expect(withLine("1.451 text", BuildKitLogLine.parse) == nil, "the bare form only counts in a summary")
    }

    @Test func notBuildKit() {
        let lines = ["#1 test passed", "#12 6 items", "#12 6. items", "#0 0x00005562af93f0b9 in f() at /src/a.swift:3"]
        for line in lines {
            #expect(withLine(line, BuildKitLogLine.parse) == nil, "\(line)")
        }
        #expect(BuildOutputParser.classify(line: "#1 test passed") == nil)
        let kept =
            BuildOutputParser.classify(line: "#3 /src/a.swift:1:2: error: not from BuildKit") as? CompilerDiagnosticLine
        #expect(kept?.file == "#3 /src/a.swift", "a line without BuildKit's seconds is left as printed")
    }

    @Test func buildKitFrameLines() throws {
        let events = [
            "#0 building with \"default\" instance using docker driver",
            "#12 [build 6/6] RUN swift build -c release --static-swift-stdlib",
            "#12 DONE 0.4s",
            "#8 CACHED",
            #"#12 ERROR: process "/bin/sh -c swift build" did not complete successfully: exit code: 1"#,
            "#12 CANCELED",
            "#12 ...",
        ]
        for line in events {
            let frame = try #require(BuildOutputParser.classify(line: line) as? BuildKitFrameLine, "\(line)")
            guard case .step = frame.kind else {
                Issue.record("\(line) is \(frame.kind)")
                continue
            }
        }
        #expect((BuildOutputParser.classify(line: "------") as? BuildKitFrameLine)?.kind == .rule)
        #expect(withLine("--------------------", BuildKitFrameLine.parse) == nil, "the Dockerfile excerpt's rule")
        #expect(
            withLine(" > [build 6/6] RUN swift build -c release:", BuildKitFrameLine.parse)?.kind == .summaryHeader
        )
        #expect(withLine("#1 transferring dockerfile: 339B done", BuildKitFrameLine.parse) == nil)
    }

    @Test func unrelatedLinesAreUnrecognised() {
        #expect(BuildOutputParser.classify(line: "Platform: x86_64 Linux (Debian GNU/Linux 12 (bookworm))") == nil)
    }
}
