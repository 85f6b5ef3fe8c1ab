import DeployBuild
import Testing

/// Which test crashed, line by line: Swift Testing runs tests in parallel, so the last one started is not the
/// crashed one; the crashed thread's frames name it, or the report lists the running tests.
@Suite struct CrashNamingTests {
    static let started = [
        "◇ Test run started.",
        "◇ Suite InventoryTests started.",
        "◇ Test quick() started.",
        "◇ Test lookupCrashes() started.",
        "◇ Test slowPasses() started.",
        "◇ Test waitsLonger() started.",
        "✔ Test quick() passed after 0.001 seconds.",
        "Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range",
        "",
        "*** Signal 4: Backtracing from 0x7f19aaf6df7f... done ***",
        "",
        "*** Program crashed: Illegal instruction at 0x00007f19aaf6df7f ***",
        "",
    ]

    static func frame(_ index: Int, _ symbol: String) -> String {
        "  \(index) [ra]             0x00005562af969841 \(symbol) + 48 in BoomPackageTests.xctest at "
            + "/src/Tests/BoomTests/BoomTests.swift:7:25"
    }

    @Test func crashedThreadsFrameNamesTheTest() throws {
        let report = BuildLogAnalyzer.analyze(
            lines: Self.started + [
                #"Thread 1 "-qos.overcommit":"#,
                "",
                Self.frame(0, "InventoryTests.waitsLonger()"),  // another thread: not the crash
                "",
                #"Thread 2 "oot.default-qos" crashed:"#,
                "",
                "  0                  0x00007f19aaf6df7f closure #1 in closure #1 in _assertionFailure(_:_:file:line:flags:) + 623 in libswiftCore.so",
                "  3 [ra]             0x00005562af93f0b9 Inventory.first(after:) + 104 in BoomPackageTests.xctest at /src/Sources/Boom/Boom.swift:7:14",
                Self.frame(4, "InventoryTests.lookupCrashes()"),
                Self.frame(5, "InventoryTests.slowPasses()"),  // outer frames do not override the innermost
                "",
                #"Thread 3 "-qos.overcommit":"#,
                "",
                "Backtrace took 0.04s",
            ]
        )
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.name == "lookupCrashes()")
        #expect(crashed.candidates.isEmpty)
        #expect(crashed.signal == 4)
        #expect(report.tests.failed == 1)
        #expect(report.tests.failures.map(\.name) == ["lookupCrashes()"])
    }

    @Test func framesOfAFinishedTestDoNotNameIt() throws {
        let report = BuildLogAnalyzer.analyze(
            lines: Self.started + [
                "Thread 2 crashed:",
                Self.frame(4, "InventoryTests.quick()"),
                "Backtrace took 0.04s",
            ]
        )
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.name == nil)
        #expect(crashed.candidates == ["lookupCrashes()", "slowPasses()", "waitsLonger()"])
    }

    /// Without the backtracer (`SWIFT_BACKTRACE=enable=no`) the runtime prints unsymbolicated frames: no name, so
    /// the running tests are the candidates, and the crash counts as one failed test with no failure entry.
    @Test func unsymbolicatedFramesListTheCandidates() throws {
        let report = BuildLogAnalyzer.analyze(
            lines: Array(Self.started.prefix(8)) + [
                "Current stack trace:",
                "0    libswiftCore.so                    0x00007fb52695f130 swift_reportError + 33",
                "5    BoomPackageTests.xctest            0x000055e4e73fa0b9 <unavailable> + 37049",
                "13   libc.so.6                          0x00007fb52515f8ec <unavailable> + 1087724",
            ]
        )
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.name == nil)
        #expect(crashed.candidates == ["lookupCrashes()", "slowPasses()", "waitsLonger()"])
        #expect(crashed.message == "Fatal error: Index out of range (Swift/ContiguousArrayBuffer.swift:692)")
        #expect(crashed.displayName == "one of 3 running tests: lookupCrashes(), slowPasses(), waitsLonger()")
        #expect(report.tests.passed == 1)
        #expect(report.tests.failed == 1)
        #expect(report.tests.failures.isEmpty)
        let summary = report.markdownSummary()
        #expect(summary.contains("- crashed: one of 3 running tests: lookupCrashes(), slowPasses(), waitsLonger()"))
        #expect(summary.contains("Crash in one of the 3 tests running in parallel"))
        #expect(!summary.contains("Failing tests"), "the crash is the only failure")
    }

    /// The runtime's frames, when symbolicated (the debugger's `#N 0x… in SYMBOL at FILE:LINE` form), name it.
    @Test func runtimeFramesNameTheTest() throws {
        let report = BuildLogAnalyzer.analyze(
            lines: Array(Self.started.prefix(8)) + [
                "Current stack trace:",
                "#0 0x00007fb52695f130 in _assertionFailure(_:_:file:line:flags:) at /swift/stdlib/Assert.swift:172",
                "#1 0x00005555555a1b2c in closure #1 in InventoryTests.slowPasses() at /src/Tests/BoomTests/BoomTests.swift:11",
            ]
        )
        #expect(report.tests.crashed?.name == "slowPasses()")
    }

    @Test func onlyRunningTestIsNamedWithoutFrames() throws {
        let report = BuildLogAnalyzer.analyze(lines: [
            "◇ Test run started.",
            "◇ Test fine() started.",
            "✔ Test fine() passed after 0.001 seconds.",
            "◇ Test crashes() started.",
            "BoomTests/BoomTests.swift:8: Fatal error: deliberate",
        ])
        #expect(report.tests.crashed?.name == "crashes()")
        #expect(report.tests.crashed?.candidates == [])
        #expect(report.tests.failures.map(\.name) == ["crashes()"])
    }

    /// XCTest runs one test at a time: the one started and not finished crashed, frames or not.
    @Test func xctestRunningTestIsTheCrashedOne() throws {
        let report = BuildLogAnalyzer.analyze(lines: [
            "Test Case 'BoomTests.testAFine' started at 2026-11-25 13:15:04.666",
            "Test Case 'BoomTests.testAFine' passed (0.001 seconds)",
            "Test Case 'BoomTests.testBCrashes' started at 2026-11-25 13:15:04.667",
            "BoomTests/BoomTests.swift:7: Fatal error: deliberate crash in test",
            "*** Program crashed: Illegal instruction at 0x00007fa6a8cf9361 ***",
            #"Thread 0 "BoomPackageTest" crashed:"#,
            "  1 [ra]          0x000056266c98afc7 BoomTests.testBCrashes() + 118 in BoomPackageTests.xctest at /src/Tests/BoomTests/BoomTests.swift:7:9",
            "Backtrace took 0.03s",
        ])
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.suite == "BoomTests" && crashed.name == "testBCrashes")
        #expect(report.tests.failures.first?.framework == "xctest")
    }

    @Test func crashOutsideAnyTest() throws {
        let report = BuildLogAnalyzer.analyze(lines: [
            "Fatal error: Unexpectedly found nil while unwrapping an Optional value: file App/main.swift, line 3"
        ])
        let crashed = try #require(report.tests.crashed)
        #expect(crashed.name == nil && crashed.candidates.isEmpty)
        #expect(crashed.displayName == "outside any test")
        #expect(report.tests.failed == 0)
    }
}
