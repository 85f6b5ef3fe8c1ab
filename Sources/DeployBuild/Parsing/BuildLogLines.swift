import Foundation
import SystemPackage

/// A log file's lines as a person would read them on the terminal (CRLF, carriage-return redraws and ANSI
/// sequences undone by ``TerminalTextCleaner``), streamed in chunks of ``BuildLogAnalyzer/chunkSize`` with
/// bounded memory.
public enum BuildLogLines {
    /// Calls `body` with each cleaned line of the file at `url`, in order.
    ///
    /// - Throws: ``BuildError/Code/logReadFailed``.
    public static func forEach(inFileAt url: URL, _ body: (String) -> Void) throws(BuildError) {
        let descriptor: FileDescriptor
        do { descriptor = try FileDescriptor.open(FilePath(url.path), .readOnly, options: .closeOnExec) } catch {
            throw BuildError(.logReadFailed, "cannot open \(url.path): \(error)", errno: (error as? Errno)?.rawValue)
        }
        defer { try? descriptor.close() }
        var splitter = LineSplitter()
        var cleaner = TerminalTextCleaner()
        let emit = { (line: UnsafeRawBufferPointer) in
            body(cleaner.clean(line) { String(decoding: $0, as: UTF8.self) })
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BuildLogAnalyzer.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count: Int
            do { count = try descriptor.read(into: buffer, retryOnInterrupt: true) } catch {
                throw BuildError(
                    .logReadFailed, "cannot read \(url.path): \(error)", errno: (error as? Errno)?.rawValue)
            }
            if count == 0 { break }
            splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), emit: emit)
        }
        splitter.finish(emit: emit)
    }
}
