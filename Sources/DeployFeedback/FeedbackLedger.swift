import Foundation

/// The ids of applied feedback (`feedback/.ledger.jsonl`), so that an id is never applied twice.
///
/// One JSON object per line, appended as each file is applied (appending creates no file, which is what costs on
/// ext4); a torn last line from a killed process is ignored. The ledger is a cache of the `applied/*.result.json`
/// records: when it is missing it is rebuilt from them. Ids are also recorded in each commit's `Feedback-Id:` trailer.
public struct FeedbackLedger: Sendable, Hashable {
    /// Where an applied id went.
    public struct Entry: Sendable, Codable, Hashable {
        public var id: String
        /// The file's name in `applied/`.
        public var file: String
        public var repository: String
        public var branch: String
        public var commit: String
        public var appliedAt: Date
    }

    /// Applied ids and where they went (the last entry for an id wins).
    public var entries: [String: Entry]

    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    /// Reads the ledger at `url`, or rebuilds it from the result records in `appliedDirectory` when it is missing.
    static func load(from url: URL, appliedDirectory: URL) -> FeedbackLedger {
        if let data = FileManager.default.contents(atPath: url.path) {
            var ledger = FeedbackLedger()
            let decoder = FeedbackJSON.decoder
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let entry = try? decoder.decode(Entry.self, from: Data(line)) else { continue }
                ledger.entries[entry.id] = entry
            }
            return ledger
        }
        var ledger = FeedbackLedger()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: appliedDirectory.path)) ?? []
        for name in names where name.hasSuffix(FeedbackInbox.resultSuffix) {
            let recordURL = appliedDirectory.appendingPathComponent(name)
            guard let record = try? FeedbackJSON.read(FeedbackResultRecord.self, from: recordURL),
                record.kind != .restartRequest
            else { continue }
            let file = String(name.dropLast(FeedbackInbox.resultSuffix.count)) + ".json"
            ledger.entries[record.id] = Entry(
                id: record.id, file: file, repository: record.repository, branch: record.branch, commit: record.commit,
                appliedAt: record.timings.finishedAt ?? record.timings.claimedAt)
        }
        return ledger
    }

    /// Appends `entry` as one line (after a newline if the file does not end with one, so a torn line stays alone).
    /// When the ledger does not exist yet, it is first written whole from the records in `appliedDirectory`.
    static func append(_ entry: Entry, to url: URL, appliedDirectory: URL? = nil, sync: Bool) throws(FeedbackError) {
        let encoder = FeedbackJSON.lineEncoder
        var line = Data()
        var entries = [entry]
        if let appliedDirectory, !AtomicFile.exists(url) {
            let rebuilt = load(from: url, appliedDirectory: appliedDirectory).entries.values.filter {
                $0.id != entry.id
            }
            entries = rebuilt.sorted { $0.appliedAt < $1.appliedAt } + entries
        }
        for item in entries {
            do { line.append(try encoder.encode(item)) } catch {
                throw FeedbackError(.io, "cannot encode the ledger entry: \(error)")
            }
            line.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.append(lines: line, to: url, sync: sync)
    }
}
