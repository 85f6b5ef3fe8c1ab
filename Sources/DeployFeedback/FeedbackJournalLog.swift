import Foundation

/// The journals of claimed feedback files, kept in one append-only file, `feedback/.inflight/.journal.jsonl`.
///
/// Each phase change appends a line holding the whole ``FeedbackJournal``; when a file reaches `applied/` or
/// `rejected/`, a line closes its name. The latest line for a name is its state, so a journal is never rewritten in
/// place, and a line torn by a killed process is skipped (the phase before it is read, and the step it announced had
/// not started: every line is written before the step it records). Appending creates no file and frees none, which
/// is what a journal costs on ext4 when written as a file per claim (a temporary file and a replaced inode per
/// phase, each new inode slower when many were recently deleted).
///
/// The log is emptied when a run starts with nothing in flight, and rewritten (atomically) to just the open journals
/// when it holds anything else; so it stays as small as the work in flight.
struct FeedbackJournalLog: Sendable {
    /// The log file.
    let url: URL
    /// Whether every append is also synced to disk.
    let syncs: Bool

    static let fileName = ".journal.jsonl"

    /// One line of the log: a journal, or the name of a file that reached its destination.
    private struct Line: Codable {
        var journal: FeedbackJournal?
        var closed: String?
    }

    /// Records `journal` as its file's current state.
    func append(_ journal: FeedbackJournal) throws(FeedbackError) {
        try append(Line(journal: journal))
    }

    /// Records that the file named `name` is done: it has no journal any more.
    func close(_ name: String) throws(FeedbackError) {
        try append(Line(closed: name))
    }

    /// The latest journal of every name not closed since, and how many lines the log holds.
    func read() -> (journals: [String: FeedbackJournal], lines: Int) {
        guard let data = FileManager.default.contents(atPath: url.path) else { return ([:], 0) }
        let decoder = FeedbackJSON.decoder
        var journals: [String: FeedbackJournal] = [:]
        var lines = 0
        for text in data.split(separator: UInt8(ascii: "\n")) {
            lines += 1
            guard let line = try? decoder.decode(Line.self, from: Data(text)) else { continue }
            if let journal = line.journal {
                journals[journal.file] = journal
            } else if let closed = line.closed {
                journals[closed] = nil
            }
        }
        return (journals, lines)
    }

    /// Shrinks the log to `open` (the journals still needed), when it holds more than that: emptied in place when
    /// nothing is open, else replaced atomically. Call with the folder's lock held.
    func compact(keeping open: [FeedbackJournal], lines: Int) throws(FeedbackError) {
        guard lines > open.count else { return }
        if open.isEmpty {
            guard truncate(url.path, 0) == 0 else { throw .io("cannot empty", url) }
            return
        }
        var data = Data()
        for journal in open.sorted(by: { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }) {
            data.append(try encode(Line(journal: journal)))
        }
        try AtomicFile.write(data, to: url, sync: syncs)
    }

    private func append(_ line: Line) throws(FeedbackError) {
        try AtomicFile.append(lines: try encode(line), to: url, sync: syncs)
    }

    private func encode(_ line: Line) throws(FeedbackError) -> Data {
        do { return try FeedbackJSON.lineEncoder.encode(line) + Data("\n".utf8) } catch {
            throw FeedbackError(.io, "cannot encode a journal line: \(error)")
        }
    }
}
