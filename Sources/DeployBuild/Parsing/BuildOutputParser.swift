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
    private struct DiagnosticKey: Hashable {
        var file: String?
        var line: Int?
        var column: Int?
        var severity: BuildReport.Severity
        var message: String
    }

    private var cleaner = TerminalTextCleaner()
    private var report = BuildReport()
    private var diagnosticIndex: [DiagnosticKey: Int] = [:]
    /// The diagnostic the next notes belong to.
    private var current: Int?
    /// Inside a test run: diagnostics-like lines are test output.
    private var inTestRun = false
    /// Inside a backtrace: only SwiftPM's spliced crash line matters.
    private var inBacktrace = false
    /// The XCTest case started and not finished.
    private var runningXCTest: (suite: String, test: String)?
    /// Swift Testing tests started and not finished, in start order.
    private var runningSwiftTests: [String] = []
    /// Failed assertions of the running XCTest case, in order.
    private var xctestIssues: [XCTestFailureLine] = []
    /// Recorded issues per Swift Testing test name.
    private var swiftTestingIssues: [String: [SwiftTestingIssueLine]] = [:]
    /// Index of each failed test in `report.tests.failures`, so a test failing in several runs is listed once.
    private var failureIndex: [String: Int] = [:]
    private var crash: BuildReport.CrashedTest?
    private var crashSeen = false
    /// The Swift Testing tests running when the crash first showed (its `Fatal error:` or backtrace).
    private var crashRunning: [String]?
    /// The running test a frame of the crashed thread named (the innermost such frame).
    private var crashFrameTest: String?
    /// Whose backtrace frames the lines are, if any.
    private var frames = FrameScope.none
    /// The crash's test has been named (or found unnameable) and recorded in `crash`.
    private var crashResolved = false
    /// BuildKit's line prefixes and failure summary.
    private var buildKit = BuildKitFraming()

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

    // MARK: - Classification

    /// The shape of `line`, or `nil` when it has none we know. Used by tests and tools; ``consume(line:)`` applies it.
    public static func classify(line: String) -> (any OutputLine)? {
        var line = line
        var cleaner = TerminalTextCleaner()
        return line.withUTF8 { raw in
            cleaner.clean(UnsafeRawBufferPointer(raw)) { bytes in
                var line = LineBytes(bytes)
                if let buildKit = BuildKitLogLine.parse(line) {
                    line = line.suffix(from: buildKit.textStart)
                } else if let frame = BuildKitFrameLine.parse(line) {
                    return frame
                }
                return classify(line, inTestRun: false)?.line
            }
        }
    }

    /// The registry, ordered cheapest-first: most lines are decided by their first byte. Returns an enum rather than
    /// an existential so that the hot path does no dynamic casts.
    static func classify(_ line: LineBytes, inTestRun: Bool) -> ParsedLine? {
        guard line.count > 0 else { return nil }
        let first = line[0]
        switch first {
        case UInt8(ascii: "["):
            if let progress = ProgressLine.parse(line) { return .progress(progress) }
            return DiagnosticFootnoteLine.parse(line).map(ParsedLine.footnote)
        case UInt8(ascii: "="):
            return StepHeaderLine.parse(line).map(ParsedLine.header)
        case UInt8(ascii: "*"):
            return CrashBannerLine.parse(line).map(ParsedLine.crashBanner)
        case UInt8(ascii: "B"):
            if let phase = BuildPhaseLine.parse(line) { return .buildPhase(phase) }
        case UInt8(ascii: "C"):
            if let stackTrace = StackTraceHeaderLine.parse(line) { return .stackTrace(stackTrace) }
        case UInt8(ascii: "T"):
            if let test = XCTestCaseLine.parse(line) { return .xctestCase(test) }
            if let suite = XCTestSuiteLine.parse(line) { return .xctestSuite(suite) }
        case 0x80...:
            if let issue = SwiftTestingIssueLine.parse(line) { return .swiftTestingIssue(issue) }
            if let test = SwiftTestingTestLine.parse(line) { return .swiftTestingTest(test) }
            return SwiftTestingRunLine.parse(line).map(ParsedLine.swiftTestingRun)
        case 0x20, 0x09, UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "|"):
            if let excerpt = SourceExcerptLine.parse(line) { return .excerpt(excerpt) }
            if let executed = XCTestExecutedLine.parse(line) { return .xctestExecuted(executed) }
        default:
            break
        }
        guard let marker = SeverityMarker.find(in: line) else { return nil }
        if let failure = XCTestFailureLine.parse(line, marker: marker) { return .xctestFailure(failure) }
        if let fatal = FatalErrorLine.parse(line, marker: marker) { return .fatalError(fatal) }
        if let signal = UnexpectedSignalLine.parse(line) { return .unexpectedSignal(signal) }
        if inTestRun { return nil }
        if let diagnostic = CompilerDiagnosticLine.parse(line, marker: marker) { return .diagnostic(diagnostic) }
        if let located = LocatedErrorLine.parse(line, marker: marker) { return .located(located) }
        return ToolErrorLine.parse(line, marker: marker).map(ParsedLine.tool)
    }

    /// Every line shape, as one value.
    enum ParsedLine {
        case progress(ProgressLine)
        case buildPhase(BuildPhaseLine)
        case footnote(DiagnosticFootnoteLine)
        case header(StepHeaderLine)
        case crashBanner(CrashBannerLine)
        case stackTrace(StackTraceHeaderLine)
        case xctestCase(XCTestCaseLine)
        case xctestSuite(XCTestSuiteLine)
        case xctestExecuted(XCTestExecutedLine)
        case xctestFailure(XCTestFailureLine)
        case swiftTestingTest(SwiftTestingTestLine)
        case swiftTestingIssue(SwiftTestingIssueLine)
        case swiftTestingRun(SwiftTestingRunLine)
        case excerpt(SourceExcerptLine)
        case fatalError(FatalErrorLine)
        case unexpectedSignal(UnexpectedSignalLine)
        case diagnostic(CompilerDiagnosticLine)
        case located(LocatedErrorLine)
        case tool(ToolErrorLine)

        var line: any OutputLine {
            switch self {
            case .progress(let line): line
            case .buildPhase(let line): line
            case .footnote(let line): line
            case .header(let line): line
            case .crashBanner(let line): line
            case .stackTrace(let line): line
            case .xctestCase(let line): line
            case .xctestSuite(let line): line
            case .xctestExecuted(let line): line
            case .xctestFailure(let line): line
            case .swiftTestingTest(let line): line
            case .swiftTestingIssue(let line): line
            case .swiftTestingRun(let line): line
            case .excerpt(let line): line
            case .fatalError(let line): line
            case .unexpectedSignal(let line): line
            case .diagnostic(let line): line
            case .located(let line): line
            case .tool(let line): line
            }
        }
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

    /// Records a diagnostic, or counts another occurrence of one already seen (not when `replay`: BuildKit's
    /// summary repeating it).
    /// Records `parsed` when it is a diagnostic (compiler, located or tool line) or a note's source excerpt, as read
    /// the first time or replayed by BuildKit's failure summary; any other line is left alone.
    private mutating func recordDiagnostic(_ parsed: ParsedLine, replay: Bool = false) {
        switch parsed {
        case .diagnostic(let diagnostic):
            record(
                file: diagnostic.file, line: diagnostic.line, column: diagnostic.column, severity: diagnostic.severity,
                message: diagnostic.message, category: diagnostic.category, replay: replay)
        case .located(let located):
            record(
                file: located.file, line: located.line, column: nil, severity: located.severity,
                message: located.message, category: nil, replay: replay)
        case .tool(let tool):
            let message = tool.tool.map { "\($0): \(tool.message)" } ?? tool.message
            record(
                file: nil, line: nil, column: nil, severity: tool.severity, message: message, category: nil,
                replay: replay)
        case .excerpt(let excerpt):
            if excerpt.marker == .note, let message = excerpt.message { attachNote(.init(message: message)) }
        default:
            break
        }
    }

    private mutating func record(
        file: String?,
        line: Int?,
        column: Int?,
        severity: BuildReport.Severity,
        message: String,
        category: String?,
        replay: Bool = false
    ) {
        if severity == .note, current != nil {
            attachNote(.init(file: file, line: line, column: column, message: message))
            return
        }
        let key = DiagnosticKey(file: file, line: line, column: column, severity: severity, message: message)
        if let index = diagnosticIndex[key] {
            if !replay { report.diagnostics[index].occurrences += 1 }
            current = index
            return
        }
        diagnosticIndex[key] = report.diagnostics.count
        current = report.diagnostics.count
        report.diagnostics.append(
            BuildReport.Diagnostic(
                file: file,
                line: line,
                column: column,
                severity: severity,
                message: message,
                category: category
            )
        )
    }

    private mutating func attachNote(_ note: BuildReport.Note) {
        guard let current else { return }
        var notes = report.diagnostics[current].notes
        if let existing = notes.firstIndex(where: { $0.message == note.message }) {
            if notes[existing].file == nil, note.file != nil { notes[existing] = note }
        } else {
            notes.append(note)
        }
        report.diagnostics[current].notes = notes
    }

    private mutating func applyXCTest(_ test: XCTestCaseLine) {
        inTestRun = true
        current = nil
        switch test.event {
        case .started:
            runningXCTest = (test.suite, test.test)
            xctestIssues = []
        case .passed:
            report.tests.passed += 1
            runningXCTest = nil
        case .skipped:
            report.tests.skipped += 1
            runningXCTest = nil
        case .failed:
            report.tests.failed += 1
            let first = xctestIssues.first
            report.addFailure(
                BuildReport.TestFailure(
                    suite: test.suite,
                    name: test.test,
                    file: first?.file,
                    line: first?.line,
                    message: first?.message ?? "failed",
                    issues: max(xctestIssues.count, 1),
                    framework: "xctest"
                ),
                index: &failureIndex
            )
            xctestIssues = []
            runningXCTest = nil
        }
    }

    private mutating func applySwiftTesting(_ test: SwiftTestingTestLine) {
        switch test.event {
        case .started:
            runningSwiftTests.append(test.name)
        case .passed:
            report.tests.passed += 1
            finishSwiftTest(test.name)
        case .skipped:
            report.tests.skipped += 1
        case .failed:
            report.tests.failed += 1
            let issues = swiftTestingIssues.removeValue(forKey: test.name) ?? []
            let first = issues.first
            report.addFailure(
                BuildReport.TestFailure(
                    suite: nil,
                    name: test.name,
                    file: first?.file,
                    line: first?.line,
                    message: first?.message ?? "failed",
                    issues: max(issues.count, 1),
                    framework: "swift-testing"
                ),
                index: &failureIndex
            )
            finishSwiftTest(test.name)
        }
    }

    /// Forgets tests left running (a crash, a killed run), so state stays bounded in logs holding many runs.
    private mutating func endTestRun() {
        guard runningXCTest != nil || !runningSwiftTests.isEmpty || !swiftTestingIssues.isEmpty else { return }
        if crashSeen { resolveCrash() }
        runningXCTest = nil
        runningSwiftTests.removeAll()
        swiftTestingIssues.removeAll()
    }

    private mutating func finishSwiftTest(_ name: String) {
        if let index = runningSwiftTests.lastIndex(of: name) { runningSwiftTests.remove(at: index) }
    }

    /// Records which tests were running when the crash showed, the first time it shows: XCTest's one test, or
    /// Swift Testing's running tests (named later, from the backtrace).
    private mutating func snapshotCrash() {
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
    private mutating func nameCrash(from frame: BacktraceFrameLine) {
        guard crashFrameTest == nil, !crashResolved else { return }
        let running = crashRunning ?? runningSwiftTests
        crashFrameTest = running.first { frame.names(test: $0) }
    }

    /// Settles who crashed, once: XCTest's running test; else the Swift Testing test the backtrace named, or the
    /// only one running; else, with several running, none, and the running tests as candidates. Counts the crashed
    /// test as failed (a failure entry when it has a name).
    private mutating func resolveCrash() {
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

    private mutating func setCrash(signal: Int32) {
        if crash == nil { crash = BuildReport.CrashedTest(suite: nil, name: nil, signal: nil, message: nil) }
        if crash?.signal == nil { crash?.signal = signal }
    }
}

extension BuildReport {
    /// Appends `failure`, or counts another occurrence of the same test's failure.
    mutating func addFailure(_ failure: TestFailure, index: inout [String: Int]) {
        let key = "\(failure.framework)\u{0}\(failure.suite ?? "")\u{0}\(failure.name)"
        if let existing = index[key] {
            tests.failures[existing].occurrences += 1
        } else {
            index[key] = tests.failures.count
            tests.failures.append(failure)
        }
    }
}
