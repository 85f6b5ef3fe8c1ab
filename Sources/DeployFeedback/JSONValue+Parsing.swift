extension JSONValue {
    /// How deep arrays and objects may nest before a document is refused: far more than any feedback file or
    /// manifest needs, and few enough that the recursive reader stays well inside a task's stack.
    public static let maximumDepth = 128

    /// Parses strict JSON (RFC 8259): the one reader for the JSON deployctl takes from outside (feedback files, the
    /// manifest).
    ///
    /// Refused, with the line and column (both from 1) in the message: anything but UTF-8, a key twice in one object
    /// (with the key's path, e.g. `repositories[0].name`, also in ``FeedbackError/field``), nesting deeper than
    /// ``maximumDepth``, a number a `Double` cannot hold (`1e400`), `NaN`, leading zeros, single quotes, comments,
    /// trailing commas, control characters in strings, lone UTF-16 surrogates, and anything after the value but
    /// whitespace. A leading byte-order mark is skipped; a top-level scalar is a value like any other.
    /// - Parameter bytes: the document's bytes.
    /// - Throws: ``FeedbackError`` with code ``FeedbackError/Code/malformedJSON`` and a message
    ///   `line L, column C: what is wrong`.
    public init(parsing bytes: some Collection<UInt8>) throws(FeedbackError) {
        var parser = JSONParser(Array(bytes))
        self = try parser.document()
    }
}

/// The recursive-descent parser behind ``JSONValue/init(parsing:)``.
private struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func document() throws(FeedbackError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0, path: "")
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected \(describe(index)) after the value") }
        return value
    }

    // MARK: Values

    mutating func parseValue(depth: Int, path: String) throws(FeedbackError) -> JSONValue {
        guard index < bytes.count else { throw failure("the text ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1, path: path)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1, path: path)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected \(describe(index)) where a value was expected")
        }
    }

    mutating func parseObject(depth: Int, path: String) throws(FeedbackError) -> JSONValue {
        try checkDepth(depth)
        index += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            return .object(fields)
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else {
                throw failure("unexpected \(describe(index)) where an object key (a string in double quotes) was expected")
            }
            let keyStart = index
            let key = try parseString()
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard fields[key] == nil else {
                throw failure("the key \(quoted(key)) appears twice in \(path.isEmpty ? "the top-level object" : path)",
                    at: keyStart, field: keyPath)
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after an object key")
            skipWhitespace()
            fields[key] = try parseValue(depth: depth, path: keyPath)
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return .object(fields)
        }
    }

    mutating func parseArray(depth: Int, path: String) throws(FeedbackError) -> JSONValue {
        try checkDepth(depth)
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth, path: "\(path)[\(elements.count)]"))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']' in an array")
            return .array(elements)
        }
    }

    mutating func literal(_ word: String, _ value: JSONValue) throws(FeedbackError) -> JSONValue {
        let spelling = word.utf8
        guard bytes.count - index >= spelling.count, bytes[index..<index + spelling.count].elementsEqual(spelling)
        else { throw failure("unexpected \(describe(index)) where a value was expected") }
        index += spelling.count
        return value
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, as a finite `Double`.
    mutating func parseNumber() throws(FeedbackError) -> Double {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        if peek(UInt8(ascii: "0")) {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw failure("a number with a leading zero", at: start) }
        } else {
            try digits(after: start)
        }
        if peek(UInt8(ascii: ".")) {
            index += 1
            try digits(after: start)
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            try digits(after: start)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw failure("the number \(text.prefix(40)) is too large", at: start)
        }
        return value
    }

    mutating func digits(after start: Int) throws(FeedbackError) {
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw failure("a number without digits where digits were expected", at: start)
        }
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    // MARK: Strings

    /// A string from its opening quote; escapes decoded, the bytes checked to be UTF-8.
    mutating func parseString() throws(FeedbackError) -> String {
        let start = index
        index += 1
        var text = ""
        var runStart = index
        while true {
            guard index < bytes.count else { throw failure("the text ends inside a string", at: start) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                text += String(decoding: bytes[runStart..<index], as: UTF8.self)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                text += String(decoding: bytes[runStart..<index], as: UTF8.self)
                text.unicodeScalars.append(try parseEscape())
                runStart = index
            case 0..<0x20:
                throw failure("a control character (0x\(String(byte, radix: 16))) inside a string; write it escaped")
            case 0x80...:
                try skipUTF8Sequence()
            default:
                index += 1
            }
        }
    }

    /// One escape, from its backslash; `\uD83D\uDE00` pairs are joined, lone surrogates refused.
    mutating func parseEscape() throws(FeedbackError) -> Unicode.Scalar {
        let start = index
        index += 1
        guard index < bytes.count else { throw failure("the text ends inside a string", at: start) }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit(escapeStart: start)
            if UTF16.isLeadSurrogate(unit) {
                guard peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw failure("a lone UTF-16 surrogate (\\u\(String(unit, radix: 16))) in a string", at: start)
                }
                index += 2
                let trail = try hexUnit(escapeStart: start)
                guard UTF16.isTrailSurrogate(trail) else {
                    throw failure("a lone UTF-16 surrogate (\\u\(String(unit, radix: 16))) in a string", at: start)
                }
                let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(trail) - 0xDC00)
                return Unicode.Scalar(value)!
            }
            guard let scalar = Unicode.Scalar(unit) else {
                throw failure("a lone UTF-16 surrogate (\\u\(String(unit, radix: 16))) in a string", at: start)
            }
            return scalar
        default:
            throw failure("an unknown escape \\\(describeByte(letter)) in a string", at: start)
        }
    }

    mutating func hexUnit(escapeStart: Int) throws(FeedbackError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw failure("a \\u escape without four hex digits", at: escapeStart) }
        var unit: UInt16 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape without four hex digits", at: escapeStart)
            }
            unit = unit << 4 | UInt16(digit)
        }
        index += 4
        return unit
    }

    /// Steps over one multi-byte UTF-8 sequence, refusing overlong forms, surrogates and values past U+10FFFF.
    mutating func skipUTF8Sequence() throws(FeedbackError) {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw failure("a byte (0x\(String(lead, radix: 16))) that is not UTF-8")
        }
        for offset in 1..<length {
            let position = index + offset
            let bounds = offset == 1 ? low...high : 0x80...0xBF
            guard position < bytes.count, bounds.contains(bytes[position]) else {
                throw failure("a byte (0x\(String(lead, radix: 16))) that starts no valid UTF-8 sequence")
            }
        }
        index += length
    }

    // MARK: Helpers

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    mutating func expect(_ byte: UInt8, _ what: String) throws(FeedbackError) {
        guard peek(byte) else {
            throw failure(index < bytes.count ? "unexpected \(describe(index)) where \(what) was expected"
                : "the text ends where \(what) was expected")
        }
        index += 1
    }

    func checkDepth(_ depth: Int) throws(FeedbackError) {
        guard depth <= JSONValue.maximumDepth else {
            throw failure("arrays and objects nest deeper than \(JSONValue.maximumDepth) levels")
        }
    }

    /// The byte at `position` for a message: `'x'` when printable ASCII, else its hex value; the end of the text.
    func describe(_ position: Int) -> String {
        position < bytes.count ? describeByte(bytes[position]) : "end of text"
    }

    func describeByte(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    /// A malformed-JSON error at `position` (default: the current one), with its line and column.
    func failure(_ reason: String, at position: Int? = nil, field: String? = nil) -> FeedbackError {
        let position = min(position ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for offset in 0..<position where bytes[offset] == 0x0A {
            line += 1
            lineStart = offset + 1
        }
        // Columns count characters, not bytes: UTF-8 continuation bytes do not start one.
        let column = 1 + bytes[lineStart..<position].lazy.filter { $0 & 0xC0 != 0x80 }.count
        return FeedbackError(.malformedJSON, "line \(line), column \(column): \(reason)", field: field)
    }
}
