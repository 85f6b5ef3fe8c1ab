/// The line-shape registry: which ``OutputLine`` a line of build or test output is.
extension BuildOutputParser {
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
}
