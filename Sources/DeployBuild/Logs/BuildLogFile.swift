import Foundation
import Synchronization
import SystemPackage

/// One cycle's log file: an append-only sink that several steps (and repositories) may write to at once.
///
/// Every call writes whole lines in one `write` under a lock, so lines from concurrent steps never interleave
/// mid-line. Each step starts with a header line `== repo NAME: step STEP == COMMAND`, so one file holds a whole cycle.
public final class BuildLogFile: StepOutputSink, Sendable {
    /// The file's location.
    public let url: URL
    private let descriptor: Mutex<FileDescriptor?>

    /// Opens (creating if needed) `url` for appending.
    ///
    /// - Throws: ``BuildError/Code/logWriteFailed``.
    public convenience init(appendingTo url: URL) throws(BuildError) {
        try self.init(url: url, exclusive: false)
    }

    init(url: URL, exclusive: Bool) throws(BuildError) {
        self.url = url
        var options: FileDescriptor.OpenOptions = [.append, .create]
        if exclusive { options.insert(.exclusiveCreate) }
        do {
            let fd = try FileDescriptor.open(
                FilePath(url.path),
                .writeOnly,
                options: options,
                permissions: [.ownerReadWrite, .groupRead, .otherRead]
            )
            descriptor = Mutex(fd)
        } catch let error as Errno {
            throw BuildError(.logWriteFailed, "cannot open log \(url.path): \(error)", errno: error.rawValue)
        } catch {
            throw BuildError(.logWriteFailed, "cannot open log \(url.path): \(error)")
        }
    }

    deinit {
        close()
    }

    /// The header line written at the start of each step.
    public static func header(repository: String, step: BuildStep.Name) -> String {
        "== repo \(repository): step \(step.rawValue) =="
    }

    public func beginStep(repository: String, step: BuildStep.Name, command: [String]) throws(BuildError) {
        try append(lines: [Self.header(repository: repository, step: step) + " " + command.joined(separator: " ")])
    }

    public func append(lines: [String]) throws(BuildError) {
        guard !lines.isEmpty else { return }
        var text = lines.joined(separator: "\n")
        text.append("\n")
        let result: Result<Void, BuildError> = descriptor.withLock { fd in
            guard let fd else { return .failure(BuildError(.logWriteFailed, "log \(url.path) is closed")) }
            do {
                _ = try text.withUTF8 { try fd.writeAll(UnsafeRawBufferPointer($0)) }
                return .success(())
            } catch let error as Errno {
                return .failure(
                    BuildError(.logWriteFailed, "cannot write log \(url.path): \(error)", errno: error.rawValue)
                )
            } catch {
                return .failure(BuildError(.logWriteFailed, "cannot write log \(url.path): \(error)"))
            }
        }
        try result.get()
    }

    /// Appends one line.
    public func append(line: String) throws(BuildError) {
        try append(lines: [line])
    }

    /// Closes the file; later writes fail with ``BuildError/Code/logWriteFailed``.
    public func close() {
        descriptor.withLock { fd in
            try? fd?.close()
            fd = nil
        }
    }

    /// Where the JSON report of one repository's build in this cycle goes: beside the log, e.g.
    /// `build-20260101-120000.NAME.json`.
    public func reportURL(repository: String) -> URL {
        let base = url.deletingPathExtension().lastPathComponent
        let safe = String(repository.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return url.deletingLastPathComponent().appendingPathComponent("\(base).\(safe).json")
    }
}
