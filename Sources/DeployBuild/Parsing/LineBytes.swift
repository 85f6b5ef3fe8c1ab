#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A view of one output line's bytes (no line break), with the few byte-level searches the line shapes need.
///
/// The parser works on bytes rather than `String`s or regular expressions: that is what lets it read logs at hundreds
/// of MB/s. Strings are only made for the parts that become facts (paths, messages, names).
public struct LineBytes {
    /// The bytes; valid only while the parser is handling the line.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps `bytes`.
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inline(__always) var count: Int { bytes.count }
    @inline(__always) subscript(_ index: Int) -> UInt8 { bytes[index] }

    /// Whether the line starts with `prefix` at `offset`.
    @inline(__always)
    func has(_ prefix: StaticString, at offset: Int = 0) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard offset >= 0, offset + length <= bytes.count else { return false }
        return memcmp(bytes.baseAddress! + offset, prefix.utf8Start, length) == 0
    }

    /// The first index of `byte` at or after `start`.
    @inline(__always)
    func index(of byte: UInt8, from start: Int = 0) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// The first index where `needle` occurs at or after `start`.
    ///
    /// Candidates are found with `memchr` on the needle's first non-space byte (spaces are too common to anchor on),
    /// then compared whole.
    @inline(__always)
    func range(of needle: StaticString, from start: Int = 0) -> Int? {
        let length = needle.utf8CodeUnitCount
        guard length > 0, start >= 0, start + length <= bytes.count, let base = bytes.baseAddress else { return nil }
        let pattern = needle.utf8Start
        var anchor = 0
        while anchor < length - 1, pattern[anchor] == 0x20 { anchor += 1 }
        let anchorByte = Int32(pattern[anchor])
        var position = start + anchor
        let last = bytes.count - length + anchor  // the last position the anchor can be at
        while position <= last, let found = memchr(base + position, anchorByte, last - position + 1) {
            let candidate = base.distance(to: UnsafeRawPointer(found)) - anchor
            if memcmp(base + candidate, pattern, length) == 0 { return candidate }
            position = candidate + anchor + 1
        }
        return nil
    }

    /// The line from `start` on: a view of the same bytes, for a shape that wraps another (BuildKit's prefixes).
    func suffix(from start: Int) -> LineBytes {
        LineBytes(UnsafeRawBufferPointer(rebasing: bytes[min(start, bytes.count)...]))
    }

    /// The line's bytes `start..<end`, as a line of their own.
    func slice(_ start: Int, _ end: Int) -> LineBytes {
        LineBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
    }

    /// The last index in `start..<end` where `needle` starts and ends within that range.
    func lastRange(of needle: StaticString, in start: Int, _ end: Int) -> Int? {
        let length = needle.utf8CodeUnitCount
        var position = end - length
        while position >= start {
            if memcmp(bytes.baseAddress! + position, needle.utf8Start, length) == 0 { return position }
            position -= 1
        }
        return nil
    }

    /// The last index where `needle` occurs.
    func lastRange(of needle: StaticString) -> Int? {
        let length = needle.utf8CodeUnitCount
        var position = bytes.count - length
        while position >= 0 {
            if memcmp(bytes.baseAddress! + position, needle.utf8Start, length) == 0 { return position }
            position -= 1
        }
        return nil
    }

    /// The text of `start..<end` as a `String` (invalid UTF-8 repaired).
    func string(_ start: Int, _ end: Int) -> String {
        guard start < end else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// The text from `start` to the end, without trailing spaces.
    func string(from start: Int) -> String {
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return string(start, end)
    }

    /// The decimal number in `start..<end`, if every byte there is a digit.
    func integer(_ start: Int, _ end: Int) -> Int? {
        guard start < end, end - start <= 18 else { return nil }
        var value = 0
        for index in start..<end {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// The end of the run of digits starting at `start`.
    @inline(__always)
    func digitsEnd(from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] &- 0x30 < 10 { index += 1 }
        return index
    }

    /// The first index at or after `start` that is not a space.
    @inline(__always)
    func skipSpaces(from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        return index
    }
}
