import DeployBuild
import Testing

/// One test per shape of a crash line (signals, fatal errors, stack traces, backtrace threads and frames), with
/// literal lines taken from real swift 6.3.1 output.
@Suite struct CrashLineTests {
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
}
