import Foundation
import SystemPackage

/// Reads a whole log file (or any line sequence) through ``BuildOutputParser`` with bounded memory.
public enum BuildLogAnalyzer {
    /// Size of each read; the only buffer besides one partial line.
    public static let chunkSize = 1 << 20

    /// Parses the log at `path` (`-` for standard input), reading it in chunks.
    ///
    /// - Throws: ``BuildError/Code/logReadFailed``.
    public static func analyze(fileAt path: String) throws(BuildError) -> BuildReport {
        let descriptor: FileDescriptor
        let owned: Bool
        if path == "-" {
            descriptor = .standardInput
            owned = false
        } else {
            do {
                descriptor = try FileDescriptor.open(FilePath(path), .readOnly)
            } catch {
                throw BuildError(.logReadFailed, "cannot open \(path): \(error)", errno: (error as? Errno)?.rawValue)
            }
            owned = true
        }
        defer { if owned { try? descriptor.close() } }
        return try analyze(descriptor: descriptor, name: path)
    }

    /// Parses the log file at `url`.
    ///
    /// - Throws: ``BuildError/Code/logReadFailed``.
    public static func analyze(fileAt url: URL) throws(BuildError) -> BuildReport {
        try analyze(fileAt: url.path)
    }

    /// Parses everything readable from `descriptor`.
    public static func analyze(descriptor: FileDescriptor, name: String = "log") throws(BuildError) -> BuildReport {
        var parser = BuildOutputParser()
        var splitter = LineSplitter()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count: Int
            do {
                count = try descriptor.read(into: buffer, retryOnInterrupt: true)
            } catch {
                throw BuildError(.logReadFailed, "cannot read \(name): \(error)", errno: (error as? Errno)?.rawValue)
            }
            if count == 0 { break }
            splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { parser.consume(bytes: $0) }
        }
        splitter.finish { parser.consume(bytes: $0) }
        return parser.finish()
    }

    /// Parses `lines` (each without its line break).
    public static func analyze(lines: some Sequence<String>) -> BuildReport {
        var parser = BuildOutputParser()
        for line in lines { parser.consume(line: line) }
        return parser.finish()
    }

    /// Parses a whole text, split at `\n` (a `\r\n` pair is one line end, as in a file).
    public static func analyze(text: String) -> BuildReport {
        var parser = BuildOutputParser()
        var splitter = LineSplitter()
        var text = text
        text.withUTF8 { bytes in
            splitter.feed(UnsafeRawBufferPointer(bytes)) { parser.consume(bytes: $0) }
        }
        splitter.finish { parser.consume(bytes: $0) }
        return parser.finish()
    }
}
