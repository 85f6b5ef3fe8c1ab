/// A compiler diagnostic with a column: `FILE:LINE:COLUMN: SEVERITY: MESSAGE[ [#Category]]`.
///
/// Captures: `file`, `line`, `column`, `severity` (error, warning, note, remark), `message` (without the category),
/// `category` (the text inside `[#…]`).
public struct CompilerDiagnosticLine: OutputLine, Hashable {
    public var file: String
    public var line: Int
    public var column: Int
    public var severity: BuildReport.Severity
    public var message: String
    public var category: String?

    public static func parse(_ line: LineBytes) -> CompilerDiagnosticLine? {
        guard let marker = SeverityMarker.find(in: line) else { return nil }
        return parse(line, marker: marker)
    }

    static func parse(_ line: LineBytes, marker: SeverityMarker) -> CompilerDiagnosticLine? {
        guard marker.follows(separatorIn: line),
            let location = SourceLocation.parse(line, end: marker.start - 2),
            let column = location.column
        else { return nil }
        let (message, category) = splitCategory(line, from: marker.messageStart)
        return CompilerDiagnosticLine(
            file: location.file,
            line: location.line,
            column: column,
            severity: marker.severity,
            message: message,
            category: category
        )
    }

    /// Splits `MESSAGE [#Category]` into its parts.
    static func splitCategory(_ line: LineBytes, from start: Int) -> (String, String?) {
        var end = line.count
        while end > start, line[end - 1] == 0x20 { end -= 1 }
        if end - start > 4, line[end - 1] == UInt8(ascii: "]"), let open = line.lastRange(of: " [#"), open >= start {
            return (line.string(start, open), line.string(open + 3, end - 1))
        }
        return (line.string(start, end), nil)
    }
}
