/// An error or warning from a tool, with no source location: `error: MESSAGE` or `TOOL: error: MESSAGE`
/// (`error: link command failed …`, `clang: error: linker command failed …`, `/usr/bin/ld.gold: error: …`).
///
/// Captures: `tool` (nil for SwiftPM's own), `severity`, `message`. SwiftPM's crash report
/// (`error: Process '…' exited with unexpected signal code N`) is ``UnexpectedSignalLine`` instead.
public struct ToolErrorLine: OutputLine, Hashable {
    public var tool: String?
    public var severity: BuildReport.Severity
    public var message: String

    public static func parse(_ line: LineBytes) -> ToolErrorLine? {
        guard let marker = SeverityMarker.find(in: line) else { return nil }
        return parse(line, marker: marker)
    }

    static func parse(_ line: LineBytes, marker: SeverityMarker) -> ToolErrorLine? {
        guard marker.severity == .error || marker.severity == .warning else { return nil }
        let message = line.string(from: marker.messageStart)
        if marker.start == 0 {
            if UnexpectedSignalLine.parse(line) != nil { return nil }
            return ToolErrorLine(tool: nil, severity: marker.severity, message: message)
        }
        guard marker.follows(separatorIn: line) else { return nil }
        let toolEnd = marker.start - 2
        // A tool name is one word (a path or a name), with no location after it.
        guard line.index(of: 0x20) ?? line.count >= toolEnd,
            SourceLocation.parse(line, end: toolEnd) == nil
        else { return nil }
        return ToolErrorLine(tool: line.string(0, toolEnd), severity: marker.severity, message: message)
    }
}
