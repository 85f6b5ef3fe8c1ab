/// Undoes what a terminal capture adds to a line: the trailing `\r` of CRLF, carriage-return redraws (only the text
/// after the last `\r` is what the screen showed), ANSI colour and erase sequences (`ESC [ … letter`), and OSC
/// sequences such as OSC-8 hyperlinks (`ESC ] 8 ; ; URL ESC \` … `ESC ] 8 ; ; ESC \`: the link text is kept).
struct TerminalTextCleaner {
    private var scratch: [UInt8] = []

    /// Whether `line` needs cleaning at all (holds `ESC` or `\r`); most piped lines do not.
    @inline(__always)
    static func needsCleaning(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let base = line.baseAddress, !line.isEmpty else { return false }
        return memchrByte(base, 0x1B, line.count) || memchrByte(base, 0x0D, line.count)
    }

    /// Calls `body` with the cleaned bytes of `line`.
    mutating func clean<T>(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        var end = line.count
        while end > 0, line[end - 1] == 0x0D { end -= 1 }
        // A carriage return redraws the line: keep what follows the last one.
        var start = 0
        if let base = line.baseAddress {
            while start < end, let found = memchr(base + start, 0x0D, end - start) {
                start = base.distance(to: UnsafeRawPointer(found)) + 1
            }
        }
        scratch.removeAll(keepingCapacity: true)
        guard let base = line.baseAddress else { return scratch.withUnsafeBytes(body) }
        var position = start
        while position < end {
            // Copy the run up to the next escape in one go.
            guard let found = memchr(base + position, 0x1B, end - position) else {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[position..<end]))
                break
            }
            let escape = base.distance(to: UnsafeRawPointer(found))
            if escape > position {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[position..<escape]))
            }
            position = escape + 1
            guard position < end else { break }
            switch line[position] {
            case 0x5B:  // CSI: ESC [ parameters intermediates final(0x40...0x7E)
                position += 1
                while position < end, line[position] < 0x40 || line[position] > 0x7E { position += 1 }
                position += 1
            case 0x5D:  // OSC: ESC ] … (BEL | ESC \)
                position += 1
                while position < end {
                    if line[position] == 0x07 {
                        position += 1
                        break
                    }
                    if line[position] == 0x1B, position + 1 < end, line[position + 1] == 0x5C {
                        position += 2
                        break
                    }
                    position += 1
                }
            default:  // a two-byte escape
                position += 1
            }
        }
        return scratch.withUnsafeBytes(body)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

@inline(__always)
private func memchrByte(_ base: UnsafeRawPointer, _ byte: Int32, _ count: Int) -> Bool {
    memchr(base, byte, count) != nil
}
