import DeployBuild
import Foundation
import Testing

/// Whole real logs, piped and from a terminal; expectations written by reading each log.
@Suite struct FixtureLogTests {
    static let modes = ["piped", "tty"]

    @Test(arguments: modes) func compileErrorsWithNotes(mode: String) throws {
        let report = try Fixture.report("compile-errors-\(mode).txt")
        let file = "/tmp/fx/cerr/Sources/Broken/Use.swift"
        #expect(report.errorCount == 4)
        #expect(report.warningCount == 0)
        let messages = report.diagnostics.map { "\($0.file ?? "-"):\($0.line ?? 0):\($0.column ?? 0) \($0.message)" }
        #expect(
            messages == [
                "\(file):3:30 cannot convert value of type 'String' to expected argument type 'Int'",
                "\(file):4:21 cannot convert value of type 'String' to specified type 'Int'",
                "\(file):5:19 cannot find 'undefinedName' in scope",
                "\(file):11:5 switch must be exhaustive",
            ]
        )
        #expect(report.diagnostics.allSatisfy { $0.occurrences == 1 })
        #expect(report.diagnostics[3].notes == [BuildReport.Note(message: "add missing case: '.b'")])
        #expect(report.diagnostics[0].kind == .typeMismatch)
        #expect(report.tests == BuildReport.Tests())
    }

    @Test(arguments: modes) func missingModulePrintedTwice(mode: String) throws {
        let report = try Fixture.report("missing-module-\(mode).txt")
        let missing = try #require(report.diagnostics.first { $0.kind == .missingModule })
        #expect(missing.file == "/tmp/fx/nomod/Sources/App/App.swift")
        #expect(missing.line == 1 && missing.column == 8)
        #expect(missing.message == "no such module 'NotARealModule'")
        #expect(missing.occurrences == 2)
        let tool = try #require(report.diagnostics.first { $0.file == nil })
        #expect(tool.message == "emit-module command failed with exit code 1 (use -v to see invocation)")
        #expect(report.errorCount == 2)
        #expect(report.markdownSummary().contains("Missing module"))
    }

    @Test(arguments: modes) func linkerError(mode: String) throws {
        let report = try Fixture.report("linker-error-\(mode).txt")
        let undefined = try #require(report.diagnostics.first { $0.message.contains("undefined reference") })
        #expect(undefined.file == "/tmp/fx/link/Sources/Tool/main.swift")
        #expect(undefined.line == 4)
        #expect(undefined.kind == .linker)
        #expect(
            report.diagnostics.contains {
                $0.message == "clang: linker command failed with exit code 1 (use -v to see invocation)"
            }
        )
        #expect(report.errorCount == 3)
        #expect(report.markdownSummary().contains("Linker error"))
    }

    @Test(arguments: modes) func warningAndCrossFileNote(mode: String) throws {
        let report = try Fixture.report("notes-\(mode).txt")
        #expect(report.warningCount == 1)
        #expect(report.errorCount == 1)
        let warning = try #require(report.diagnostics.first { $0.severity == .warning })
        #expect(warning.category == "DeprecatedDeclaration")
        #expect(warning.message == "'oldDescribe' is deprecated: use describe(_:label:)")
        let error = try #require(report.diagnostics.first { $0.severity == .error })
        #expect(error.message == "missing argument for parameter 'label' in call")
        #expect(
            error.notes == [
                BuildReport.Note(
                    file: "/tmp/fx/notes/Sources/Lib/Model.swift",
                    line: 6,
                    column: 6,
                    message: "'describe(_:label:)' declared here"
                )
            ]
        )
    }

    @Test(arguments: modes) func mixedXCTestAndSwiftTesting(mode: String) throws {
        let report = try Fixture.report("tests-mixed-\(mode).txt")
        #expect(report.diagnostics.isEmpty, "ordinary test output mentioning error: is not a diagnostic")
        #expect(report.tests.passed == 3)
        #expect(report.tests.failed == 2)
        #expect(report.tests.skipped == 2)
        #expect(report.tests.crashed == nil)
        let xctest = try #require(report.tests.failures.first { $0.framework == "xctest" })
        #expect(xctest.suite == "ArithmeticTests" && xctest.name == "testAddFailsTwice")
        #expect(xctest.file == "/tmp/fx/mixed/Tests/CalcTests/XCTests.swift" && xctest.line == 10)
        #expect(xctest.issues == 2)
        #expect(xctest.message == #"XCTAssertEqual failed: ("4") is not equal to ("5") - two plus two"#)
        let swiftTesting = try #require(report.tests.failures.first { $0.framework == "swift-testing" })
        #expect(swiftTesting.suite == nil && swiftTesting.name == "addsWrongly()")
        #expect(swiftTesting.file == "SwiftTests.swift" && swiftTesting.line == 10)
        #expect(swiftTesting.message == "Expectation failed: (value → 5) == 6")
        #expect(report.tests.failures.count == 2)
        #expect(report.tests.runnerTotals.xctestExecuted == 3)
        #expect(report.tests.runnerTotals.xctestFailures == 2)
        #expect(report.tests.runnerTotals.swiftTestingTests == 4)
    }

    @Test(arguments: modes) func xctestCrash(mode: String) throws {
        let report = try Fixture.report("crash-xctest-\(mode).txt")
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.suite == "BoomTests" && crashed.name == "testBCrashes")
        #expect(crashed.signal == 4)
        #expect(crashed.message?.contains("deliberate crash in test") == true)
        #expect(report.tests.passed == 1)
        #expect(report.tests.failed == 1)
        #expect(report.diagnostics.isEmpty)
        #expect(report.markdownSummary().contains("Crash in `testBCrashes`"))
    }

    @Test(arguments: modes) func swiftTestingCrashWithSplicedMessage(mode: String) throws {
        let report = try Fixture.report("crash-swifttesting-\(mode).txt")
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.name == "crashes()")
        #expect(crashed.signal == 4)
        #expect(crashed.message?.contains("Index out of range") == true)
        #expect(report.tests.passed == 1)
        #expect(report.tests.failed == 1)
        #expect(report.diagnostics.isEmpty)
    }

    /// `docker build` (BuildKit, no terminal) of a package whose `swift build -c release` fails: the compiler's lines
    /// carry `#12 1.451 `, and BuildKit's failure summary repeats the step's last ten as `1.451 …`.
    @Test func dockerBuildErrors() throws {
        let report = try Fixture.report("docker-build-errors-piped.txt")
        let file = "/src/Sources/App/HTTPKernel.swift"
        let messages = report.diagnostics.map { "\($0.file ?? "-"):\($0.line ?? 0):\($0.column ?? 0) \($0.message)" }
        #expect(
            messages == [
                "\(file):11:16 value of optional type '((Request) -> String)?' must be unwrapped to a value of type "
                    + "'(Request) -> String'",
                "\(file):15:42 cannot convert value of type 'String?' to specified type 'Int'",
            ]
        )
        #expect(report.diagnostics.allSatisfy { $0.occurrences == 1 }, "the summary's replay is not another occurrence")
        #expect(report.diagnostics[0].notes.count == 4)
        #expect(report.diagnostics[1].kind == .typeMismatch)
        #expect(report.tests == BuildReport.Tests())
        #expect(report.markdownSummary().contains("`\(file):15:42` cannot convert"))
    }

    /// `docker build` running `swift test` that crashes: the Swift Testing run, the backtrace and SwiftPM's spliced
    /// signal line all come through BuildKit's prefix; the summary replays the backtrace's last lines.
    @Test func dockerTestCrash() throws {
        let report = try Fixture.report("docker-test-crash-piped.txt")
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.name == "lookupCrashes()")
        #expect(crashed.signal == 4)
        #expect(crashed.message == "Fatal error: Index out of range (Swift/ContiguousArrayBuffer.swift:692)")
        #expect(report.tests.passed == 1)
        #expect(report.tests.failed == 1)
        #expect(report.tests.failures.map(\.name) == ["lookupCrashes()"])
        #expect(report.diagnostics.isEmpty)
    }

    /// The names of Swift Testing tests started and not finished before the crash, in order, read from the fixture.
    static func runningAtCrash(_ name: String) throws -> [String] {
        var running: [String] = []
        let text = try String(contentsOf: Fixture.url(name), encoding: .utf8)
        for line in text.split(whereSeparator: \.isNewline) {
            if line.contains("Fatal error") { break }
            guard let test = line.firstRange(of: "Test "), !line.contains("Test run") else { continue }
            let rest = line[test.upperBound...]
            if rest.hasSuffix(" started.") {
                running.append(String(rest.dropLast(" started.".count)))
            } else if let end = rest.firstRange(of: " passed after ") {
                running.removeAll { $0 == rest[..<end.lowerBound] }
            }
        }
        return running
    }

    /// Swift Testing runs the tests in parallel: `lookupCrashes()` crashed while two slower tests were running, and
    /// one of those was started last. The crashed thread's backtrace names it.
    @Test(arguments: modes) func parallelSwiftTestingCrash(mode: String) throws {
        let name = "crash-parallel-swifttesting-\(mode).txt"
        let running = try Self.runningAtCrash(name)
        #expect(Set(running) == ["lookupCrashes()", "slowPasses()", "waitsLonger()"])
        #expect(running.last != "lookupCrashes()", "the fixture's last started test is not the crashed one")
        let report = try Fixture.report(name)
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.name == "lookupCrashes()")
        #expect(crashed.candidates.isEmpty)
        #expect(crashed.signal == 4)
        #expect(report.tests.passed == 1)
        #expect(report.tests.failed == 1)
        #expect(report.tests.failures.map(\.name) == ["lookupCrashes()"])
        #expect(report.markdownSummary().contains("crashed: lookupCrashes() (signal 4)"))
    }

    /// The same run with `SWIFT_BACKTRACE=enable=no`: the runtime's frames are unsymbolicated, so the report says
    /// one of the three running tests crashed rather than name the last one started.
    @Test func parallelCrashWithoutBacktrace() throws {
        let name = "crash-parallel-nobacktrace-piped.txt"
        let running = try Self.runningAtCrash(name)
        #expect(running == ["slowPasses()", "lookupCrashes()", "waitsLonger()"])
        let report = try Fixture.report(name)
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.name == nil)
        #expect(crashed.candidates == running)
        #expect(crashed.signal == 4)
        #expect(report.tests.passed == 1)
        #expect(report.tests.failed == 1)
        #expect(report.tests.failures.isEmpty)
        #expect(
            report.markdownSummary().contains(
                "- crashed: one of 3 running tests: slowPasses(), lookupCrashes(), waitsLonger() (signal 4)"
            )
        )
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        )
        let json = try #require((object["tests"] as? [String: Any])?["crashed"] as? [String: Any])
        #expect(json["candidates"] as? [String] == running)
        #expect(json["name"] == nil)
    }

    /// Reports written before `candidates` existed still decode.
    @Test func crashedTestDecodesWithoutCandidates() throws {
        let old = #"{"suite":"BoomTests","name":"testBCrashes","signal":4,"message":"Fatal error: boom"}"#
        let crashed = try JSONDecoder().decode(BuildReport.CrashedTest.self, from: Data(old.utf8))
        #expect(crashed.name == "testBCrashes" && crashed.candidates.isEmpty)
        #expect(crashed.displayName == "BoomTests.testBCrashes")
    }

    @Test func jsonShape() throws {
        let report = try Fixture.report("tests-mixed-piped.txt")
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tests = try #require(object["tests"] as? [String: Any])
        #expect(tests["passed"] as? Int == 3)
        #expect(tests["crashed"] is NSNull, "crashed is null, not absent")
        let failure = try #require((tests["failures"] as? [[String: Any]])?.first)
        for key in ["suite", "name", "file", "line", "message"] {
            #expect(failure.keys.contains(key) || key == "suite")
        }
        let errors = try Fixture.report("compile-errors-piped.txt")
        let diagnostics = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(errors)) as? [String: Any]
        )
        let first = try #require((diagnostics["diagnostics"] as? [[String: Any]])?.first)
        for key in ["file", "line", "column", "severity", "message", "notes", "occurrences"] {
            #expect(first.keys.contains(key), "missing \(key)")
        }
        #expect(first["severity"] as? String == "error")
        let decoded = try JSONDecoder().decode(BuildReport.self, from: JSONEncoder().encode(errors))
        #expect(decoded == errors)
    }

    @Test func everyFixtureLineIsCountedAndMostAreRecognised() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixture.directory.path)
        where name.hasSuffix(".txt") {
            let bytes = try Data(contentsOf: Fixture.url(name))
            let report = try Fixture.report(name)
            let newlines = bytes.count { $0 == 0x0A } + (bytes.last == 0x0A ? 0 : 1)
            #expect(report.lines == newlines, "\(name)")
            #expect(report.recognizedLines > 0, "\(name)")
        }
    }

    @Test func analyzeLinesMatchesAnalyzeFile() throws {
        let text = try String(contentsOf: Fixture.url("notes-tty.txt"), encoding: .utf8)
        #expect(BuildLogAnalyzer.analyze(text: text).diagnostics == (try Fixture.report("notes-tty.txt")).diagnostics)
    }

    /// A cycle log holds several steps: diagnostics after a test run must count again, and a test failing in two
    /// runs is one `failures` entry.
    @Test func concatenatedRunsAndStepHeaders() throws {
        let tests = try String(contentsOf: Fixture.url("tests-mixed-piped.txt"), encoding: .utf8)
        let errors = try String(contentsOf: Fixture.url("compile-errors-tty.txt"), encoding: .utf8)
        let withoutHeaders = BuildLogAnalyzer.analyze(text: tests + errors + tests)
        #expect(withoutHeaders.errorCount == 4, "build progress after a test run ends the run")
        #expect(withoutHeaders.tests.failed == 4)
        #expect(withoutHeaders.tests.failures.count == 2)
        #expect(withoutHeaders.tests.failures.allSatisfy { $0.occurrences == 2 })
        let withHeaders = BuildLogAnalyzer.analyze(
            text: "== repo a: step test == swift test\n" + tests + "== repo b: step build == swift build\n" + errors
        )
        #expect(withHeaders.errorCount == 4)
        #expect(withHeaders.tests.passed == 3)
    }

    @Test func markdownSuggestsNextSteps() throws {
        let errors = try Fixture.report("compile-errors-piped.txt").markdownSummary()
        #expect(errors.contains("- errors: 4, warnings: 0"))
        #expect(errors.contains("Type mismatch"))
        #expect(errors.contains("Non-exhaustive switch"))
        #expect(errors.contains("note: add missing case: '.b'"))
        let tests = try Fixture.report("tests-mixed-tty.txt").markdownSummary()
        #expect(tests.contains("- tests: 3 passed, 2 failed, 2 skipped"))
        #expect(tests.contains("Failing tests"))
        #expect(tests.contains("`ArithmeticTests.testAddFailsTwice`"))
        let crash = try Fixture.report("crash-swifttesting-piped.txt").markdownSummary()
        #expect(crash.contains("crashed: crashes() (signal 4)"))
    }
}
