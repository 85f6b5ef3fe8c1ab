import Foundation

/// Crash-safe file operations: every write goes to a hidden temporary file that is renamed into place, so a reader
/// (or a process started after a kill) sees the old file or the new one, never half of one.
///
/// With `sync`, the file is also `fsync`ed before the rename and its folder after, so the change survives a power
/// loss too. That costs about 10 ms per write on an ordinary disk, and it only helps when git's own writes are synced
/// as well (libgit2 does not sync by default), so it is an option (``FeedbackProcessor/Options/syncToDisk``).
enum AtomicFile {
    /// The prefix of temporary files; names starting with `.` are never taken for pending feedback.
    static let temporaryPrefix = ".tmp-"

    /// Replaces (or creates) `url` with `data`, atomically (and durably with `sync`).
    static func write(_ data: Data, to url: URL, sync: Bool = false) throws(FeedbackError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(
            "\(temporaryPrefix)\(UUID().uuidString.prefix(8))-\(url.lastPathComponent)")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io("cannot create", temporary) }
        var failure: FeedbackError?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .io("cannot write", temporary)
                    return
                }
                offset += written
            }
        }
        if sync, failure == nil, fsync(fd) != 0 { failure = .io("cannot sync", temporary) }
        close(fd)
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw .io("cannot rename into", url, errno: code)
        }
        if sync { syncFolder(folder) }
    }

    /// Appends `lines` (newline-terminated) to `url`, creating it if needed, in one `write`; when the file does not
    /// end with a newline (a line torn by a killed process), a newline goes first so the torn line stays alone.
    /// Appending creates no inode, which is what a write costs most on ext4.
    static func append(lines: Data, to url: URL, sync: Bool = false) throws(FeedbackError) {
        let created = sync && !exists(url)
        let fd = open(url.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io("cannot open", url) }
        defer { close(fd) }
        var data = lines
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, info.st_size - 1) == 1, last != UInt8(ascii: "\n") {
                data.insert(UInt8(ascii: "\n"), at: 0)
            }
        }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw .io("cannot append to", url) }
        if sync, fsync(fd) != 0 { throw .io("cannot sync", url) }
        if created { syncFolder(url.deletingLastPathComponent()) }
    }

    /// Encodes `value` as pretty, key-sorted JSON and writes it with ``write(_:to:)``.
    static func writeJSON(_ value: some Encodable, to url: URL, sync: Bool = false) throws(FeedbackError) {
        let data: Data
        do { data = try FeedbackJSON.encoder.encode(value) } catch {
            throw FeedbackError(.io, "cannot encode \(url.lastPathComponent): \(error)")
        }
        try write(data + Data("\n".utf8), to: url, sync: sync)
    }

    /// Moves `source` to `destination` (same file system), syncing both folders with `sync`; refuses to replace a
    /// file.
    static func move(_ source: URL, to destination: URL, sync: Bool = false) throws(FeedbackError) {
        guard !exists(destination) else {
            throw FeedbackError(.io, "will not replace '\(destination.path)'")
        }
        guard rename(source.path, destination.path) == 0 else { throw .io("cannot move to", destination) }
        guard sync else { return }
        syncFolder(destination.deletingLastPathComponent())
        if source.deletingLastPathComponent() != destination.deletingLastPathComponent() {
            syncFolder(source.deletingLastPathComponent())
        }
    }

    /// Copies `source` to `destination` through a temporary file, so a half-copied file is never seen there.
    static func copy(_ source: URL, to destination: URL) throws(FeedbackError) {
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent("\(temporaryPrefix)\(UUID().uuidString.prefix(8))-copy")
        do { try FileManager.default.copyItem(at: source, to: temporary) } catch {
            throw FeedbackError(.io, "cannot copy '\(source.path)': \(error.localizedDescription)")
        }
        try move(temporary, to: destination)
    }

    /// Creates `url` (and its parents) if it does not exist.
    static func makeFolder(_ url: URL) throws(FeedbackError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw FeedbackError(.io, "cannot create folder '\(url.path)': \(error.localizedDescription)")
        }
    }

    /// Whether anything (even a dangling symbolic link) exists at `url`.
    static func exists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    /// Flushes a folder's entries (the effect of a rename) to disk.
    static func syncFolder(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

/// The JSON coders used for records, journals and the ledger.
enum FeedbackJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// One line per value, for append-only files (the ledger, the journal log); keys unsorted, which is cheaper.
    static var lineEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func read<T: Decodable>(_ type: T.Type, from url: URL) throws(FeedbackError) -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FeedbackError(.io, "cannot read '\(url.path)': \(error.localizedDescription)")
        }
        do { return try decoder.decode(type, from: data) } catch {
            throw FeedbackError(.journal, "cannot decode '\(url.path)': \(error)")
        }
    }
}
