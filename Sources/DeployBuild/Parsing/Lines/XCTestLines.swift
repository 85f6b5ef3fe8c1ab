/// XCTest's per-test lines: `Test Case 'SUITE.TEST' started at …` and
/// `Test Case 'SUITE.TEST' passed|failed|skipped (N seconds)` (macOS: `'-[MODULE.SUITE TEST]'`).
///
/// Captures: `suite`, `test`, `event`.
public struct XCTestCaseLine: OutputLine, Hashable {
    public enum Event: Sendable, Hashable { case started, passed, failed, skipped }
    public var suite: String
    public var test: String
    public var event: Event

    public static func parse(_ line: LineBytes) -> XCTestCaseLine? {
        guard line.has("Test Case '"), let close = line.range(of: "' ", from: 11),
            let (suite, test) = XCTestName.split(line, 11, close)
        else { return nil }
        let event: Event
        if line.has("started", at: close + 2) {
            event = .started
        } else if line.has("passed", at: close + 2) {
            event = .passed
        } else if line.has("failed", at: close + 2) {
            event = .failed
        } else if line.has("skipped", at: close + 2) {
            event = .skipped
        } else {
            return nil
        }
        return XCTestCaseLine(suite: suite, test: test, event: event)
    }
}

/// XCTest's suite lines: `Test Suite 'NAME' started at …` / `passed at …` / `failed at …`.
///
/// Captures: `name`, `started`.
public struct XCTestSuiteLine: OutputLine, Hashable {
    public var name: String
    public var started: Bool

    public static func parse(_ line: LineBytes) -> XCTestSuiteLine? {
        guard line.has("Test Suite '"), let close = line.range(of: "' ", from: 12) else { return nil }
        return XCTestSuiteLine(name: line.string(12, close), started: line.has("started", at: close + 2))
    }
}

/// XCTest's totals: `Executed N test(s), with K test(s) skipped and F failure(s) (U unexpected) in …`.
/// `N` includes skipped tests and `F` counts failed assertions, not tests.
///
/// Captures: `executed`, `skipped`, `failures`, `unexpected`.
public struct XCTestExecutedLine: OutputLine, Hashable {
    public var executed: Int
    public var skipped: Int
    public var failures: Int
    public var unexpected: Int

    public static func parse(_ line: LineBytes) -> XCTestExecutedLine? {
        let start = line.skipSpaces(from: 0)
        guard line.has("Executed ", at: start) else { return nil }
        let numberEnd = line.digitsEnd(from: start + 9)
        guard let executed = line.integer(start + 9, numberEnd), let with = line.range(of: ", with ", from: numberEnd)
        else { return nil }
        var position = with + 7
        var skipped = 0
        var end = line.digitsEnd(from: position)
        guard var value = line.integer(position, end) else { return nil }
        if line.has(" test skipped and ", at: end) || line.has(" tests skipped and ", at: end) {
            skipped = value
            position = line.range(of: " and ", from: end)! + 5
            end = line.digitsEnd(from: position)
            guard let failures = line.integer(position, end) else { return nil }
            value = failures
        }
        var unexpected = 0
        if let open = line.range(of: " (", from: end) {
            let digitsEnd = line.digitsEnd(from: open + 2)
            unexpected = line.integer(open + 2, digitsEnd) ?? 0
        }
        return XCTestExecutedLine(executed: executed, skipped: skipped, failures: value, unexpected: unexpected)
    }
}
