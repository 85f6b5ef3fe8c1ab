#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a byte stream into lines at `\n`, keeping a partial line between chunks.
///
/// Lines are returned without the `\n`; a `\r` before it is kept (the parser handles terminal redraws). A line longer
/// than ``maximumLineLength`` is cut into pieces of that size, so memory stays bounded whatever a process prints.
struct LineSplitter {
    /// The longest line kept whole.
    static let maximumLineLength = 64 * 1024

    private var pending: [UInt8] = []

    /// Feeds one chunk; calls `emit` with each completed line's bytes.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        let count = bytes.count
        guard let base = bytes.baseAddress else { return }
        while start < count, let found = memchr(base + start, 0x0A, count - start) {
            let index = base.distance(to: UnsafeRawPointer(found))
            let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            if pending.isEmpty {
                emit(piece)
            } else {
                pending.append(contentsOf: piece)
                pending.withUnsafeBytes(emit)
                pending.removeAll(keepingCapacity: true)
            }
            start = index + 1
        }
        if start < count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count]))
            while pending.count >= Self.maximumLineLength {
                pending.withUnsafeBytes { emit(UnsafeRawBufferPointer(rebasing: $0[0..<Self.maximumLineLength])) }
                pending.removeFirst(Self.maximumLineLength)
            }
        }
    }

    /// Emits the last line when the stream did not end with `\n`.
    mutating func finish(emit: (UnsafeRawBufferPointer) -> Void) {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes(emit)
        pending.removeAll()
    }
}
