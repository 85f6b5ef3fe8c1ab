import Foundation

/// The ids of applied feedback (`feedback/.ledger.json`), so that an id is never applied twice.
///
/// The ledger is a cache of the `applied/*.result.json` records: when it is missing or unreadable it is rebuilt from
/// them. Ids are also recorded in each commit's `Feedback-Id:` trailer.
public struct FeedbackLedger: Sendable, Codable, Hashable {
    /// Where an applied id went.
    public struct Entry: Sendable, Codable, Hashable {
        /// The file's name in `applied/`.
        public var file: String
        public var repository: String
        public var branch: String
        public var commit: String
        public var appliedAt: Date
    }

    /// Applied ids and where they went.
    public var entries: [String: Entry]

    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    /// Reads the ledger at `url`, or rebuilds it from the result records in `appliedDirectory`.
    static func load(from url: URL, appliedDirectory: URL) -> FeedbackLedger {
        if let ledger = try? FeedbackJSON.read(FeedbackLedger.self, from: url) { return ledger }
        var ledger = FeedbackLedger()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: appliedDirectory.path)) ?? []
        for name in names where name.hasSuffix(FeedbackInbox.resultSuffix) {
            let recordURL = appliedDirectory.appendingPathComponent(name)
            guard let record = try? FeedbackJSON.read(FeedbackResultRecord.self, from: recordURL) else { continue }
            let file = String(name.dropLast(FeedbackInbox.resultSuffix.count)) + ".json"
            ledger.entries[record.id] = Entry(
                file: file, repository: record.repository, branch: record.branch, commit: record.commit,
                appliedAt: record.timings.finishedAt ?? record.timings.claimedAt)
        }
        return ledger
    }
}
