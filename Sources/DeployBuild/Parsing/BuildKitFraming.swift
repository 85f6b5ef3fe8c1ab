/// Takes Docker BuildKit's framing off a log's lines, so that the build output inside a `docker build` reads like
/// any other: `#12 6.797 /src/Sources/App/HTTPKernel.swift:11:16: error: …` is the compiler's line
/// `/src/Sources/App/HTTPKernel.swift:11:16: error: …`, its path as printed inside the container.
///
/// After a failed step BuildKit prints a summary repeating the step's last lines without the step number:
///
/// ```text
/// ------
///  > [build 6/6] RUN swift build -c release:
/// 6.797 /src/Sources/App/HTTPKernel.swift:11:16: error: value of optional type … must be unwrapped …
/// ------
/// ```
///
/// When the log held the step's output already, the summary is a *replay*: the parser then takes from it only
/// diagnostics it has not seen (the step's earlier lines may be missing from the log), without counting the repeats
/// again. When it did not (a terminal capture, where the live output is a redrawn screen), the summary is the output.
///
/// State is three flags: memory does not grow with the log.
struct BuildKitFraming {
    /// What a line is, once the framing is off.
    enum Unwrapped {
        /// Not BuildKit's: parse the line as it is.
        case plain
        /// BuildKit's own line (a step event, the summary's rules and header): nothing to parse.
        case frame
        /// A step's output line: parse `text`; `replay` when it repeats output the log showed already.
        case text(LineBytes, replay: Bool)
    }

    /// The previous line was a `------` rule outside a summary.
    private var afterRule = false
    /// Between the summary's ` > NAME:` header and its closing rule.
    private var inSummary = false
    /// Step output (`#STEP SECONDS …`) was seen outside a summary: the summary repeats it.
    private var sawStepOutput = false

    /// Classifies `line`, updating the summary state.
    mutating func unwrap(_ line: LineBytes) -> Unwrapped {
        guard line.count > 0 else {
            afterRule = false
            return .plain
        }
        let first = line[0]
        if inSummary {
            if first == UInt8(ascii: "-"), let frame = BuildKitFrameLine.parse(line), frame.kind == .rule {
                inSummary = false
                return .frame
            }
            let text = BuildKitLogLine.parseSummary(line).map { line.suffix(from: $0.textStart) } ?? line
            return .text(text, replay: sawStepOutput)
        }
        guard first == UInt8(ascii: "#") || first == UInt8(ascii: "-") || first == 0x20 else {
            afterRule = false
            return .plain
        }
        if first == UInt8(ascii: "#"), let log = BuildKitLogLine.parse(line) {
            afterRule = false
            sawStepOutput = true
            return .text(line.suffix(from: log.textStart), replay: false)
        }
        let wasAfterRule = afterRule
        afterRule = false
        guard let frame = BuildKitFrameLine.parse(line) else { return .plain }
        switch frame.kind {
        case .step:
            return .frame
        case .rule:
            afterRule = true
            return .frame
        case .summaryHeader:
            guard wasAfterRule else { return .plain }
            inSummary = true
            return .frame
        }
    }

    /// Forgets the summary state (a new step of deployctl's own log starts).
    mutating func reset() {
        afterRule = false
        inSummary = false
    }
}
