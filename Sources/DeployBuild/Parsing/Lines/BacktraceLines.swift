/// A thread's header in the Swift backtracer's crash report: `Thread N[ "NAME"][ crashed]:`
/// (`Thread 2 "oot.default-qos" crashed:`, `Thread 0 "BoomPackageTest":`). The frames that follow are that
/// thread's, up to the next header.
///
/// Captures: `number`, `crashed`.
public struct BacktraceThreadLine: OutputLine, Hashable {
    public var number: Int
    public var crashed: Bool

    public static func parse(_ line: LineBytes) -> BacktraceThreadLine? {
        guard line.has("Thread ") else { return nil }
        let numberEnd = line.digitsEnd(from: 7)
        guard let number = line.integer(7, numberEnd) else { return nil }
        var end = line.count
        while end > numberEnd, line[end - 1] == 0x20 { end -= 1 }
        guard end > numberEnd, line[end - 1] == UInt8(ascii: ":"),
            end == numberEnd + 1 || line[numberEnd] == 0x20
        else { return nil }
        return BacktraceThreadLine(number: number, crashed: line.lastRange(of: " crashed:", in: numberEnd, end) != nil)
    }
}

/// The runtime's own stack trace, printed when the backtracer is off (`SWIFT_BACKTRACE=enable=no`):
/// `Current stack trace:`, then frames (``BacktraceFrameLine``) of the crashing thread.
///
/// Captures: nothing.
public struct StackTraceHeaderLine: OutputLine, Hashable {
    public static func parse(_ line: LineBytes) -> StackTraceHeaderLine? {
        line.has("Current stack trace:") ? StackTraceHeaderLine() : nil
    }
}

/// One frame of a backtrace, in the forms Swift prints:
/// - the backtracer's: `  4 [ra]   0x000055… InventoryTests.lookupCrashes() + 48 in BoomPackageTests.xctest at
///   /src/Tests/BoomTests/BoomTests.swift:7:25` (the module after the last ` in `, the location after ` at `);
/// - the runtime's (`Current stack trace:`): `5    BoomPackageTests.xctest   0x000055… <unavailable> + 37049`;
/// - the debugger's: `#0 0x000055… in AppTests.someTest() at /src/Tests/AppTests/AppTests.swift:17`.
///
/// Captures: `index`, `symbol` (demangled as printed, without its `+ OFFSET` and module), `file` and `line` (the
/// frame's source location, when printed). The `0x` address follows the index, its `[tags]` and at most one word
/// (the module), which keeps source excerpts (`12 |     let mask = 0xFF`) out.
public struct BacktraceFrameLine: OutputLine, Hashable {
    public var index: Int
    public var symbol: String
    public var file: String?
    public var line: Int?

    public static func parse(_ line: LineBytes) -> BacktraceFrameLine? {
        var position = line.skipSpaces(from: 0)
        if position < line.count, line[position] == UInt8(ascii: "#") { position += 1 }
        let indexEnd = line.digitsEnd(from: position)
        guard indexEnd < line.count, line[indexEnd] == 0x20, let index = line.integer(position, indexEnd),
            let address = addressStart(line, from: indexEnd)
        else { return nil }
        var addressEnd = address + 2
        while addressEnd < line.count, isHexDigit(line[addressEnd]) { addressEnd += 1 }
        guard addressEnd > address + 2, addressEnd == line.count || line[addressEnd] == 0x20 else { return nil }
        var start = line.skipSpaces(from: addressEnd)
        let debuggerForm = line.has("in ", at: start)
        if debuggerForm { start += 3 }
        var end = line.count
        while end > start, line[end - 1] == 0x20 { end -= 1 }
        var file: String?
        var number: Int?
        if let at = line.lastRange(of: " at ", in: start, end) {
            let location = line.slice(at + 4, end)
            if let parsed = SourceLocation.parse(location, end: location.count) {
                file = parsed.file
                number = parsed.line
            } else {
                file = location.string(0, location.count)
            }
            end = at
        }
        // The backtracer names the module last: `… in libTesting.so`, one word (the debugger's form has none).
        if !debuggerForm, let module = line.lastRange(of: " in ", in: start, end),
            line.index(of: 0x20, from: module + 4) ?? end >= end
        {
            end = module
        }
        if let plus = line.lastRange(of: " + ", in: start, end), line.digitsEnd(from: plus + 3) == end, plus + 3 < end {
            end = plus
        }
        return BacktraceFrameLine(index: index, symbol: line.string(start, end), file: file, line: number)
    }

    /// Whether `symbol` names the function `test` (`lookupCrashes()`, `f(x:)`), as itself or as a member
    /// (`InventoryTests.lookupCrashes()`), a closure in it or its async continuation: the name is found with no
    /// identifier character right before it.
    public func names(test: String) -> Bool {
        let name = Array(test.utf8)
        let text = Array(symbol.utf8)
        guard let first = name.first, name.count <= text.count, name.last == UInt8(ascii: ")") else { return false }
        var start = 0
        while start + name.count <= text.count {
            if text[start] == first, text[start..<(start + name.count)].elementsEqual(name) {
                if start == 0 || !isIdentifierByte(text[start - 1]) { return true }
            }
            start += 1
        }
        return false
    }

    /// Where the `0x` address starts: after the index come only `[tag]`s (`[ra]`, `[async]`, `[system]`) and at
    /// most one other word (the module, in the runtime's form), then the address.
    private static func addressStart(_ line: LineBytes, from start: Int) -> Int? {
        var position = line.skipSpaces(from: start)
        var words = 0
        while position < line.count {
            if line.has("0x", at: position) { return position }
            if line[position] == UInt8(ascii: "[") {
                guard let close = line.index(of: UInt8(ascii: "]"), from: position) else { return nil }
                position = close + 1
            } else {
                words += 1
                guard words == 1 else { return nil }
                position = line.index(of: 0x20, from: position) ?? line.count
            }
            position = line.skipSpaces(from: position)
        }
        return nil
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 6
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 || byte == UInt8(ascii: "_") || byte >= 0x80
    }
}
