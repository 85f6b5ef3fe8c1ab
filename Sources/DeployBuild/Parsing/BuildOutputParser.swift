/// Turns swift build / swift test output into a ``BuildReport``, one line at a time.
///
/// Streaming: feed lines with ``consume(line:)`` (or raw bytes with ``consume(bytes:)``) as they come, then call
/// ``finish()``. Memory grows with the number of distinct facts, never with the log's length.
///
/// What real Swift 6.3 output does, and how it is handled:
/// - the compiler prints a diagnostic several times (emit-module and compile jobs): one entry, `occurrences` counted;
/// - each diagnostic is followed by a source excerpt repeating it (skipped) and often holding its notes (attached);
/// - a note with its own location (`FILE:L:C: note: …`) belongs to the diagnostic before it;
/// - terminal captures: ANSI colours, `\r` redraws, CRLF and OSC-8 hyperlinks are removed first;
/// - a crash: SwiftPM's `exited with unexpected signal code N` is found even when spliced into another line, and
///   the crashed test is named: XCTest's running test; for Swift Testing, which runs tests in parallel, the running
///   test a frame of the crashed thread's backtrace belongs to, or the only running test; otherwise the report lists
///   the running tests as candidates rather than guess (the last one started is often not the one that crashed);
/// - Docker BuildKit's framing (`#12 6.797 ` before each line of a step, and its failure summary replaying the
///   step's last lines) is taken off, so diagnostics keep the paths printed inside the container and count once;
/// - XCTest's `Executed N` includes skipped tests and its failures count assertions: tests are counted from
///   per-test lines instead, and the runner's totals kept aside;
/// - ordinary test output containing `error:` is not a diagnostic: while tests run, only test shapes count.
public struct BuildOutputParser: Sendable {
    struct DiagnosticKey: Hashable {
        var file: String?
        var line: Int?
        var column: Int?
        var severity: BuildReport.Severity
        var message: String
    }

    private var cleaner = TerminalTextCleaner()
    var report = BuildReport()
    var diagnosticIndex: [DiagnosticKey: Int] = [:]
    /// The diagnostic the next notes belong to.
    var current: Int?
    /// Inside a test run: diagnostics-like lines are test output.
    var inTestRun = false
    /// Inside a backtrace: only SwiftPM's spliced crash line matters.
    private var inBacktrace = false
    /// The XCTest case started and not finished.
    var runningXCTest: (suite: String, test: String)?
    /// Swift Testing tests started and not finished, in start order.
    var runningSwiftTests: [String] = []
    /// Failed assertions of the running XCTest case, in order.
    var xctestIssues: [XCTestFailureLine] = []
    /// Recorded issues per Swift Testing test name.
    var swiftTestingIssues: [String: [SwiftTestingIssueLine]] = [:]
    /// Index of each failed test in `report.tests.failures`, so a test failing in several runs is listed once.
    var failureIndex: [String: Int] = [:]
    var crash: BuildReport.CrashedTest?
    var crashSeen = false
    /// The Swift Testing tests running when the crash first showed (its `Fatal error:` or backtrace).
    var crashRunning: [String]?
    /// The running test a frame of the crashed thread named (the innermost such frame).
    var crashFrameTest: String?
    /// Whose backtrace frames the lines are, if any.
    private var frames = FrameScope.none
    /// The crash's test has been named (or found unnameable) and recorded in `crash`.
    var crashResolved = false
    /// BuildKit's line prefixes and failure summary.
    var buildKit = BuildKitFraming()

    /// Whose frames a backtrace line lists.
    private enum FrameScope {
        case none
        /// The crashed thread's (or the runtime's `Current stack trace:`, which the crashing thread prints).
        case crashed
        /// Another thread's.
        case other
    }

    /// Creates an empty parser.
    public init() {}

    // MARK: - Feeding

    /// Consumes one line (without its line break).
    public mutating func consume(line: String) {
        var line = line
        line.withUTF8 { consume(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Consumes one line's raw bytes (without the `\n`; a trailing `\r` is fine).
    public mutating func consume(bytes: UnsafeRawBufferPointer) {
        report.lines += 1
        if TerminalTextCleaner.needsCleaning(bytes) {
            var cleaner = self.cleaner
            self.cleaner = TerminalTextCleaner()
            cleaner.clean(bytes) { handle(LineBytes($0)) }
            self.cleaner = cleaner
        } else {
            handle(LineBytes(bytes))
        }
    }

    /// Ends the log and returns what it held.
    public func finish() -> BuildReport {
        var parser = self
        if parser.crashSeen { parser.resolveCrash() }
        return parser.report
    }

    // MARK: - Applying

    private mutating func handle(_ line: LineBytes) {
        switch buildKit.unwrap(line) {
        case .plain:
            handleOutput(line)
        case .frame:
            report.recognizedLines += 1
        case .text(let text, replay: false):
            handleOutput(text)
        case .text(let text, replay: true):
            handleReplay(text)
        }
    }

    /// A line of BuildKit's failure summary repeating output already read: only a diagnostic not seen yet counts
    /// (and the notes after one); test results, progress and crashes were counted when first printed.
    private mutating func handleReplay(_ line: LineBytes) {
        guard !inBacktrace, let parsed = Self.classify(line, inTestRun: inTestRun) else { return }
        report.recognizedLines += 1
        recordDiagnostic(parsed, replay: true)
    }

    /// One line of a backtrace (after the backtracer's banner, up to `Backtrace took`): thread headers tell whose
    /// frames follow; a frame of the crashed thread may name the crashed test.
    private mutating func handleBacktrace(_ line: LineBytes) {
        report.recognizedLines += 1
        if line.has("Backtrace took") {
            inBacktrace = false
            frames = .none
        } else if let thread = BacktraceThreadLine.parse(line) {
            frames = thread.crashed ? .crashed : .other
        } else if frames == .crashed, let frame = BacktraceFrameLine.parse(line) {
            nameCrash(from: frame)
        }
        // SwiftPM's report is spliced into any line, a frame's included.
        if let signal = UnexpectedSignalLine.parse(line) {
            crashSeen = true
            if crash?.signal == nil { setCrash(signal: signal.signal) }
        }
    }

    private mutating func handleOutput(_ line: LineBytes) {
        if inBacktrace {
            handleBacktrace(line)
            return
        }
        if frames == .crashed {
            // The runtime's `Current stack trace:` frames, up to the first line that is not one.
            if let frame = BacktraceFrameLine.parse(line) {
                report.recognizedLines += 1
                nameCrash(from: frame)
                return
            }
            frames = .none
        }
        guard let parsed = Self.classify(line, inTestRun: inTestRun) else {
            if line.count > 0, line[0] >= 0x80, SwiftTestingSymbol.bodyStart(line) != nil {
                report.recognizedLines += 1  // suite lines, library version
            }
            return
        }
        report.recognizedLines += 1
        switch parsed {
        case .progress, .buildPhase:
            // Build progress means no test run is printing.
            current = nil
            inTestRun = false
            endTestRun()
        case .excerpt, .diagnostic, .located, .tool:
            recordDiagnostic(parsed)
        case .header:
            inTestRun = false
            endTestRun()
            current = nil
            buildKit.reset()
        case .xctestCase(let test):
            applyXCTest(test)
        case .xctestSuite(let suite):
            // `All tests` finishing ends XCTest's output.
            inTestRun = suite.started || suite.name != "All tests"
            current = nil
        case .xctestFailure(let failure):
            inTestRun = true
            xctestIssues.append(failure)
        case .xctestExecuted(let executed):
            report.tests.runnerTotals.xctestExecuted = executed.executed
            report.tests.runnerTotals.xctestSkipped = executed.skipped
            report.tests.runnerTotals.xctestFailures = executed.failures
        case .swiftTestingTest(let test):
            inTestRun = true
            applySwiftTesting(test)
        case .swiftTestingIssue(let issue):
            swiftTestingIssues[issue.name, default: []].append(issue)
        case .swiftTestingRun(let run):
            // The run summary ends Swift Testing's output.
            inTestRun = run.tests == nil
            if let tests = run.tests {
                report.tests.runnerTotals.swiftTestingTests = (report.tests.runnerTotals.swiftTestingTests ?? 0) + tests
                report.tests.runnerTotals.swiftTestingIssues =
                    (report.tests.runnerTotals.swiftTestingIssues ?? 0) + (run.issues ?? 0)
            }
        case .fatalError(let fatal):
            crashSeen = true
            snapshotCrash()
            if crash?.message == nil { crash?.message = "Fatal error: \(fatal.message) (\(fatal.file):\(fatal.line))" }
        case .stackTrace:
            crashSeen = true
            snapshotCrash()
            frames = .crashed
        case .crashBanner(let banner):
            crashSeen = true
            inBacktrace = true
            frames = .none
            snapshotCrash()
            if let signal = banner.signal, crash?.signal == nil { crash?.signal = signal }
            if let description = banner.description, crash?.message == nil { crash?.message = description }
        case .unexpectedSignal(let signal):
            crashSeen = true
            setCrash(signal: signal.signal)
        case .footnote:
            break
        }
    }
}
