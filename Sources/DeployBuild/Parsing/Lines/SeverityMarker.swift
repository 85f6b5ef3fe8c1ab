/// Where `error: `, `warning: `, `note: ` or `remark: ` sits in a line, the anchor of every diagnostic shape.
///
/// Found by visiting each `:` followed by a space and looking at the word before it, so that a diagnostic spliced
/// after other text (`…0error: Process …`) is found as well.
struct SeverityMarker {
    var severity: BuildReport.Severity
    /// Index of the severity word.
    var start: Int
    /// Index of the message (after `: `).
    var messageStart: Int

    /// The first marker in `line`.
    static func find(in line: LineBytes) -> SeverityMarker? {
        var position = 0
        while let colon = line.index(of: 0x3A, from: position) {
            position = colon + 1
            guard colon + 1 < line.count, line[colon + 1] == 0x20 else { continue }
            switch line[colon - (colon > 0 ? 1 : 0)] {
            case UInt8(ascii: "r") where colon >= 5 && line.has("error", at: colon - 5):
                return SeverityMarker(severity: .error, start: colon - 5, messageStart: colon + 2)
            case UInt8(ascii: "g") where colon >= 7 && line.has("warning", at: colon - 7):
                return SeverityMarker(severity: .warning, start: colon - 7, messageStart: colon + 2)
            case UInt8(ascii: "e") where colon >= 4 && line.has("note", at: colon - 4):
                return SeverityMarker(severity: .note, start: colon - 4, messageStart: colon + 2)
            case UInt8(ascii: "k") where colon >= 6 && line.has("remark", at: colon - 6):
                return SeverityMarker(severity: .remark, start: colon - 6, messageStart: colon + 2)
            default:
                continue
            }
        }
        return nil
    }

    /// Whether the marker is preceded by `": "` (a location or tool name), or starts the line.
    func follows(separatorIn line: LineBytes) -> Bool {
        start >= 2 && line[start - 1] == 0x20 && line[start - 2] == 0x3A
    }
}

/// A `FILE:LINE[:COLUMN]` location, parsed from the end so that paths may contain `:`.
struct SourceLocation {
    var file: String
    var line: Int
    var column: Int?

    /// Parses `line[0..<end]`.
    static func parse(_ line: LineBytes, end: Int) -> SourceLocation? {
        guard end > 0 else { return nil }
        var digitsStart = end
        while digitsStart > 0, line[digitsStart - 1] &- 0x30 < 10 { digitsStart -= 1 }
        guard digitsStart < end, digitsStart > 0, line[digitsStart - 1] == 0x3A,
            let last = line.integer(digitsStart, end)
        else { return nil }
        let firstColon = digitsStart - 1
        var secondStart = firstColon
        while secondStart > 0, line[secondStart - 1] &- 0x30 < 10 { secondStart -= 1 }
        if secondStart < firstColon, secondStart > 1, line[secondStart - 1] == 0x3A,
            let number = line.integer(secondStart, firstColon)
        {
            return SourceLocation(file: line.string(0, secondStart - 1), line: number, column: last)
        }
        guard firstColon > 0 else { return nil }
        return SourceLocation(file: line.string(0, firstColon), line: last, column: nil)
    }
}
