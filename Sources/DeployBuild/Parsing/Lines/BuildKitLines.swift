/// A line of a Docker BuildKit step's output, as `docker build` prints it without a terminal (plain progress):
/// `#STEP SECONDS TEXT` (`#12 6.797 /src/Sources/App/HTTPKernel.swift:11:16: error: …`), and in the failure summary
/// BuildKit prints after a failed step, `SECONDS TEXT` alone (`6.797 /src/Sources/App/HTTPKernel.swift:…`).
///
/// `SECONDS` is the time since the step started, always printed with a decimal point (`0.412`, `12.34`, `123.4`);
/// that is what keeps ordinary lines such as `#1 test passed` or `#0 0x00005562 in f()` out. An empty output line
/// is `#STEP SECONDS ` (or the same without the trailing space, once a log viewer trims it).
///
/// Captures: `step` (`nil` for the summary form), `textStart` (where the step's own line starts: the parser reads the
/// rest as any other line, so paths stay as printed inside the container).
public struct BuildKitLogLine: OutputLine, Hashable {
    public var step: Int?
    public var textStart: Int

    /// The `#STEP SECONDS TEXT` form.
    public static func parse(_ line: LineBytes) -> BuildKitLogLine? {
        guard line.count > 4, line[0] == UInt8(ascii: "#") else { return nil }
        let stepEnd = line.digitsEnd(from: 1)
        guard stepEnd > 1, stepEnd < line.count, line[stepEnd] == 0x20, let step = line.integer(1, stepEnd),
            let textStart = secondsEnd(line, from: stepEnd + 1)
        else { return nil }
        return BuildKitLogLine(step: step, textStart: textStart)
    }

    /// The summary form, `SECONDS TEXT`; only meaningful inside BuildKit's failure summary (see ``BuildKitFrameLine``).
    public static func parseSummary(_ line: LineBytes) -> BuildKitLogLine? {
        if let stepped = parse(line) { return stepped }  // older BuildKit repeats the `#STEP` in its summary
        guard let textStart = secondsEnd(line, from: 0) else { return nil }
        return BuildKitLogLine(step: nil, textStart: textStart)
    }

    /// The index after `DIGITS.DIGITS ` at `start` (or the line's end right after the digits).
    private static func secondsEnd(_ line: LineBytes, from start: Int) -> Int? {
        let dot = line.digitsEnd(from: start)
        guard dot > start, dot < line.count, line[dot] == UInt8(ascii: ".") else { return nil }
        let end = line.digitsEnd(from: dot + 1)
        guard end > dot + 1 else { return nil }
        if end == line.count { return end }
        return line[end] == 0x20 ? end + 1 : nil
    }
}

/// BuildKit's own lines around the steps' output, in plain progress mode:
/// - step events: `#STEP [STAGE N/M] INSTRUCTION` (`#12 [build 6/6] RUN swift build -c release`), `#STEP DONE 1.2s`,
///   `#STEP CACHED`, `#STEP ERROR: MESSAGE`, `#STEP CANCELED`, `#STEP ...` (output of another step follows), and
///   `#0 building with "default" instance using docker driver`;
/// - the failure summary's frame: a `------` rule, then ` > STEP NAME:` (`> [build 6/6] RUN swift build -c release:`),
///   the step's last lines (``BuildKitLogLine``'s summary form), and a closing `------`.
///
/// Captures: `kind`. Each of these is BuildKit talking, never the build: the parser counts them and moves on.
public struct BuildKitFrameLine: OutputLine, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A step event (`#12 [build 6/6] RUN …`, `#12 DONE 0.4s`, `#12 ERROR: …`).
        case step(Int)
        /// The `------` rule that opens and closes the failure summary.
        case rule
        /// ` > NAME:`, the summary's header naming the failed step.
        case summaryHeader
    }
    public var kind: Kind

    public static func parse(_ line: LineBytes) -> BuildKitFrameLine? {
        guard line.count > 0 else { return nil }
        switch line[0] {
        case UInt8(ascii: "#"):
            let stepEnd = line.digitsEnd(from: 1)
            guard stepEnd > 1, stepEnd + 1 < line.count, line[stepEnd] == 0x20, let step = line.integer(1, stepEnd)
            else { return nil }
            let event = stepEnd + 1
            guard line[event] == UInt8(ascii: "[") || line.has("DONE", at: event) || line.has("CACHED", at: event)
                || line.has("ERROR: ", at: event) || line.has("CANCELED", at: event) || line.has("...", at: event)
                || line.has("building with ", at: event)
            else { return nil }
            return BuildKitFrameLine(kind: .step(step))
        case UInt8(ascii: "-"):
            guard line.has("------") else { return nil }
            var end = line.count
            while end > 6, line[end - 1] == 0x20 { end -= 1 }
            return end == 6 ? BuildKitFrameLine(kind: .rule) : nil
        case 0x20:
            guard line.has(" > ") else { return nil }
            var end = line.count
            while end > 3, line[end - 1] == 0x20 { end -= 1 }
            return end > 4 && line[end - 1] == UInt8(ascii: ":") ? BuildKitFrameLine(kind: .summaryHeader) : nil
        default:
            return nil
        }
    }
}
