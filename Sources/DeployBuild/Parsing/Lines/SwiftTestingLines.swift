/// Swift Testing's event lines all start with a symbol (`◇ ✔ ✘ ➜ ↳` on Linux, SF Symbols on macOS) and a
/// space. Returns the index after that prefix.
enum SwiftTestingSymbol {
    static func bodyStart(_ line: LineBytes) -> Int? {
        guard line.count > 2, line[0] >= 0x80, let space = line.index(of: 0x20), space <= 4 else { return nil }
        return space + 1
    }
}

/// A Swift Testing test event: `SYMBOL Test NAME started.`, `… passed after N seconds[ with K test cases].`,
/// `… failed after N seconds with K issue(s).`, `… skipped[: "REASON"]`.
///
/// Captures: `name`, `event`. The line never names the suite.
public struct SwiftTestingTestLine: OutputLine, Hashable {
    public enum Event: Sendable, Hashable { case started, passed, failed, skipped }
    public var name: String
    public var event: Event

    public static func parse(_ line: LineBytes) -> SwiftTestingTestLine? {
        guard let body = SwiftTestingSymbol.bodyStart(line), line.has("Test ", at: body),
            !line.has("Test run ", at: body)
        else { return nil }
        let nameStart = body + 5
        if let at = line.range(of: " passed after ", from: nameStart) {
            return SwiftTestingTestLine(name: line.string(nameStart, at), event: .passed)
        }
        if let at = line.range(of: " failed after ", from: nameStart) {
            return SwiftTestingTestLine(name: line.string(nameStart, at), event: .failed)
        }
        if line.count > 9, line.has(" started.", at: line.count - 9) {
            return SwiftTestingTestLine(name: line.string(nameStart, line.count - 9), event: .started)
        }
        if let at = line.range(of: " skipped", from: nameStart) {
            return SwiftTestingTestLine(name: line.string(nameStart, at), event: .skipped)
        }
        return nil
    }
}

/// A Swift Testing issue: `SYMBOL Test NAME recorded an issue[ with N argument(s) …] at FILE:LINE:COLUMN: MESSAGE`.
/// `FILE` is a bare file name. Known issues and warnings (`recorded a known issue`, `recorded a warning`) are not
/// failures and do not match.
///
/// Captures: `name`, `file`, `line`, `column`, `message`.
public struct SwiftTestingIssueLine: OutputLine, Hashable {
    public var name: String
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var message: String

    public static func parse(_ line: LineBytes) -> SwiftTestingIssueLine? {
        guard let body = SwiftTestingSymbol.bodyStart(line), line.has("Test ", at: body),
            let recorded = line.range(of: " recorded an issue", from: body + 5)
        else { return nil }
        let name = line.string(body + 5, recorded)
        var search = recorded + 18
        while let at = line.range(of: " at ", from: search) {
            // The location ends at the first ": " after " at ".
            if let colon = line.range(of: ": ", from: at + 4),
                let location = SourceLocation.parse(
                    LineBytes(UnsafeRawBufferPointer(rebasing: line.bytes[(at + 4)..<colon])),
                    end: colon - at - 4
                )
            {
                return SwiftTestingIssueLine(
                    name: name,
                    file: location.file,
                    line: location.line,
                    column: location.column,
                    message: line.string(from: colon + 2)
                )
            }
            search = at + 4
        }
        let colon = line.range(of: ": ", from: recorded) ?? line.count
        return SwiftTestingIssueLine(
            name: name,
            file: nil,
            line: nil,
            column: nil,
            message: line.string(from: min(colon + 2, line.count))
        )
    }
}

/// Swift Testing's run lines: `SYMBOL Test run started.` and
/// `SYMBOL Test run with N test(s) in M suite(s) passed|failed after T seconds[ with K issue(s)].`
///
/// Captures: `tests` and `issues` (nil for the start line). `N` includes skipped tests.
public struct SwiftTestingRunLine: OutputLine, Hashable {
    public var tests: Int?
    public var issues: Int?

    public static func parse(_ line: LineBytes) -> SwiftTestingRunLine? {
        guard let body = SwiftTestingSymbol.bodyStart(line), line.has("Test run ", at: body) else { return nil }
        if line.has("started", at: body + 9) { return SwiftTestingRunLine(tests: nil, issues: nil) }
        guard line.has("with ", at: body + 9) else { return nil }
        let end = line.digitsEnd(from: body + 14)
        guard let tests = line.integer(body + 14, end) else { return nil }
        var issues = 0
        if let with = line.range(of: " with ", from: end) {
            let issuesEnd = line.digitsEnd(from: with + 6)
            issues = line.integer(with + 6, issuesEnd) ?? 0
        }
        return SwiftTestingRunLine(tests: tests, issues: issues)
    }
}
