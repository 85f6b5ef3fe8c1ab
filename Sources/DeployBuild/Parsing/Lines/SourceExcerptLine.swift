/// A line of the source excerpt the compiler prints under each diagnostic (Swift 6 style):
/// ` 3 |     let model = …` (code), `   |   `- error: MESSAGE` (the diagnostic again), `   |   |- note: MESSAGE`
/// (notes, often only here).
///
/// Captures: `marker` (the severity of a line whose marker is a backtick and a dash, or `|- `) and `message`; both `nil` for a code line.
public struct SourceExcerptLine: OutputLine, Hashable {
    public var marker: BuildReport.Severity?
    public var message: String?

    public static func parse(_ line: LineBytes) -> SourceExcerptLine? {
        var index = line.skipSpaces(from: 0)
        index = line.digitsEnd(from: index)
        guard index > 0 || (line.count > 0 && line[0] == UInt8(ascii: "|")) else { return nil }
        index = line.skipSpaces(from: index)
        guard index < line.count, line[index] == UInt8(ascii: "|"), index == 0 || line[index - 1] == 0x20 else {
            return nil
        }
        // A marker line has only spaces and `|` between the gutter and "`- " / "|- ".
        var position = index + 1
        while position < line.count, line[position] == 0x20 || line[position] == UInt8(ascii: "|") {
            if line[position] == UInt8(ascii: "|"), position + 2 < line.count, line[position + 1] == UInt8(ascii: "-"),
                line[position + 2] == 0x20
            {
                break
            }
            position += 1
        }
        guard position + 2 < line.count,
            line[position] == UInt8(ascii: "`") || line[position] == UInt8(ascii: "|"),
            line[position + 1] == UInt8(ascii: "-"), line[position + 2] == 0x20,
            let marker = SeverityMarker.find(in: line), marker.start == position + 3
        else {
            return SourceExcerptLine(marker: nil, message: nil)
        }
        let (message, _) = CompilerDiagnosticLine.splitCategory(line, from: marker.messageStart)
        return SourceExcerptLine(marker: marker.severity, message: message)
    }
}
