/// Swift's runtime trap message: `FILE:LINE: Fatal error: MESSAGE` (Swift 5.4 and later, Linux and macOS), or the
/// older `Fatal error: MESSAGE: file FILE, line LINE`.
///
/// Captures: `file` (as the runtime prints it: `Module/File.swift`, or `Swift/…` for the standard library), `line`,
/// `message`. The process dies right after; ``BuildOutputParser`` links it to the test that was running.
public struct FatalErrorLine: OutputLine, Hashable {
    public var file: String
    public var line: Int
    public var message: String

    public static func parse(_ line: LineBytes) -> FatalErrorLine? {
        guard let marker = SeverityMarker.find(in: line) else { return nil }
        return parse(line, marker: marker)
    }

    static func parse(_ line: LineBytes, marker: SeverityMarker) -> FatalErrorLine? {
        guard marker.severity == .error, marker.start >= 6 else { return nil }
        if marker.start >= 8, line.has(": Fatal ", at: marker.start - 8),
            let location = SourceLocation.parse(line, end: marker.start - 8)
        {
            return FatalErrorLine(
                file: location.file,
                line: location.line,
                message: line.string(from: marker.messageStart)
            )
        }
        // `Fatal error: MESSAGE: file FILE, line N`
        guard marker.start == 6, line.has("Fatal "), let file = line.lastRange(of: ": file "),
            file >= marker.messageStart, let comma = line.range(of: ", line ", from: file + 7)
        else { return nil }
        var end = line.count
        while end > comma + 7, line[end - 1] == 0x20 { end -= 1 }
        guard let number = line.integer(comma + 7, end) else { return nil }
        return FatalErrorLine(
            file: line.string(file + 7, comma),
            line: number,
            message: line.string(marker.messageStart, file)
        )
    }
}
