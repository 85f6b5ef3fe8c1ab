/// Swift's runtime trap message: `FILE:LINE: Fatal error: MESSAGE`.
///
/// Captures: `file`, `line`, `message`. The process dies right after; ``BuildOutputParser`` links it to the test
/// that was running.
public struct FatalErrorLine: OutputLine, Hashable {
    public var file: String
    public var line: Int
    public var message: String

    public static func parse(_ line: LineBytes) -> FatalErrorLine? {
        guard let marker = SeverityMarker.find(in: line) else { return nil }
        return parse(line, marker: marker)
    }

    static func parse(_ line: LineBytes, marker: SeverityMarker) -> FatalErrorLine? {
        guard marker.severity == .error, marker.start >= 8, line.has(": Fatal ", at: marker.start - 8),
            let location = SourceLocation.parse(line, end: marker.start - 8)
        else { return nil }
        return FatalErrorLine(file: location.file, line: location.line, message: line.string(from: marker.messageStart))
    }
}
