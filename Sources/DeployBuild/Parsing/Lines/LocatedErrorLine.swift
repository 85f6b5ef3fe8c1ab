/// A diagnostic with a line but no column, as the linker prints it:
/// `FILE:LINE: SEVERITY: MESSAGE` (e.g. `main.swift:4: error: undefined reference to 'f'`).
///
/// Captures: `file`, `line`, `severity`, `message`. XCTest failures share the prefix; see ``XCTestFailureLine``.
public struct LocatedErrorLine: OutputLine, Hashable {
    public var file: String
    public var line: Int
    public var severity: BuildReport.Severity
    public var message: String

    public static func parse(_ line: LineBytes) -> LocatedErrorLine? {
        guard let marker = SeverityMarker.find(in: line) else { return nil }
        return parse(line, marker: marker)
    }

    static func parse(_ line: LineBytes, marker: SeverityMarker) -> LocatedErrorLine? {
        guard marker.follows(separatorIn: line),
            let location = SourceLocation.parse(line, end: marker.start - 2), location.column == nil,
            XCTestFailureLine.parse(line, marker: marker) == nil
        else { return nil }
        return LocatedErrorLine(
            file: location.file,
            line: location.line,
            severity: marker.severity,
            message: line.string(from: marker.messageStart)
        )
    }
}
