/// A crashed test run: which test crashed, with what signal and message, found from the runner's lines and the
/// crashed thread's backtrace.
extension BuildOutputParser {
    /// Records which tests were running when the crash showed, the first time it shows: XCTest's one test, or
    /// Swift Testing's running tests (named later, from the backtrace).
    mutating func snapshotCrash() {
        if crash == nil { crash = BuildReport.CrashedTest(suite: nil, name: nil, signal: nil, message: nil) }
        guard !crashResolved, crash?.name == nil, crashRunning == nil else { return }
        if let running = runningXCTest {
            crash?.suite = running.suite
            crash?.name = running.test
        } else {
            crashRunning = runningSwiftTests
        }
    }

    /// Names the crashed test from a frame of the crashed thread, when the frame is in a running test's function.
    /// The innermost such frame wins (frames are listed innermost first).
    mutating func nameCrash(from frame: BacktraceFrameLine) {
        guard crashFrameTest == nil, !crashResolved else { return }
        let running = crashRunning ?? runningSwiftTests
        crashFrameTest = running.first { frame.names(test: $0) }
    }

    /// Settles who crashed, once: XCTest's running test; else the Swift Testing test the backtrace named, or the
    /// only one running; else, with several running, none, and the running tests as candidates. Counts the crashed
    /// test as failed (a failure entry when it has a name).
    mutating func resolveCrash() {
        guard !crashResolved else { return }
        crashResolved = true
        var crashed = crash ?? BuildReport.CrashedTest(suite: nil, name: nil, signal: nil, message: nil)
        var framework = "swift-testing"
        if crashed.name != nil {
            framework = "xctest"
        } else if let running = runningXCTest {
            crashed.suite = running.suite
            crashed.name = running.test
            framework = "xctest"
        } else {
            let running = crashRunning ?? runningSwiftTests
            if let named = crashFrameTest {
                crashed.name = named
            } else if running.count == 1 {
                crashed.name = running[0]
            } else if running.count > 1 {
                crashed.candidates = running
            }
        }
        crash = crashed
        report.tests.crashed = crashed
        crashRunning = nil
        guard crashed.name != nil || !crashed.candidates.isEmpty else { return }
        report.tests.failed += 1
        guard let name = crashed.name else { return }
        report.addFailure(
            BuildReport.TestFailure(
                suite: crashed.suite,
                name: name,
                file: nil,
                line: nil,
                message: "crashed" + (crashed.message.map { ": \($0)" } ?? "")
                    + (crashed.signal.map { " (signal \($0))" } ?? ""),
                framework: framework
            ),
            index: &failureIndex
        )
    }

    mutating func setCrash(signal: Int32) {
        if crash == nil { crash = BuildReport.CrashedTest(suite: nil, name: nil, signal: nil, message: nil) }
        if crash?.signal == nil { crash?.signal = signal }
    }
}
