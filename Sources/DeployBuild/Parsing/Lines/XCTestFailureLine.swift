/// A failed XCTest assertion: `FILE:LINE: error: SUITE.TEST : MESSAGE` (Linux) or
/// `FILE:LINE: error: -[MODULE.SUITE TEST] : MESSAGE` (macOS).
///
/// Captures: `file`, `line`, `suite`, `test`, `message`.
public struct XCTestFailureLine: OutputLine, Hashable {
    public var file: String
    public var line: Int
    public var suite: String
    public var test: String
    public var message: String

    public static func parse(_ line: LineBytes) -> XCTestFailureLine? {
        guard let marker = SeverityMarker.find(in: line) else { return nil }
        return parse(line, marker: marker)
    }

    static func parse(_ line: LineBytes, marker: SeverityMarker) -> XCTestFailureLine? {
        guard marker.severity == .error, marker.follows(separatorIn: line),
            let separator = line.range(of: " : ", from: marker.messageStart),
            let location = SourceLocation.parse(line, end: marker.start - 2), location.column == nil,
            let (suite, test) = XCTestName.split(line, marker.messageStart, separator)
        else { return nil }
        return XCTestFailureLine(
            file: location.file,
            line: location.line,
            suite: suite,
            test: test,
            message: line.string(from: separator + 3)
        )
    }
}

/// Splits XCTest's test names: `SUITE.TEST` or `-[MODULE.SUITE TEST]`.
enum XCTestName {
    static func split(_ line: LineBytes, _ start: Int, _ end: Int) -> (suite: String, test: String)? {
        guard start < end else { return nil }
        if line.has("-[", at: start), line[end - 1] == UInt8(ascii: "]"),
            let space = line.index(of: 0x20, from: start), space < end
        {
            var dot = space
            while dot > start + 2, line[dot - 1] != UInt8(ascii: ".") { dot -= 1 }
            return (line.string(dot > start + 2 ? dot : start + 2, space), line.string(space + 1, end - 1))
        }
        if let space = line.index(of: 0x20, from: start), space < end { return nil }
        var dot = end - 1
        while dot > start, line[dot] != UInt8(ascii: ".") { dot -= 1 }
        guard dot > start else { return nil }
        return (line.string(start, dot), line.string(dot + 1, end))
    }
}
