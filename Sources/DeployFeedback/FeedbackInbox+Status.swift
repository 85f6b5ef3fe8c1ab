import Foundation

/// What `status` shows of the `feedback/` folder beyond the pending files: files a run left claimed, and the seed's
/// marks of what it applied.
extension FeedbackInbox {
    /// The prefix the seed (Codex-Deployer's `dispatcher_v2.py`) renamed applied files with:
    /// `feedback/applied-NAME.json`. Such files are history, never pending; deployctl leaves them where they are.
    public static let legacyAppliedPrefix = "applied-"

    /// A file claimed into `feedback/.inflight/` by a run that did not finish it (or by the run going on now).
    public struct InflightFile: Sendable, Hashable, Codable {
        /// The file's name as it was dropped.
        public var file: String
        /// How far it got (the journal's phase).
        public var stage: FeedbackClaimPhase
        /// When it was claimed (the journal's time, else when the file was moved in).
        public var claimedAt: Date
        /// Processing attempts so far (environment failures are retried up to a limit).
        public var attempts: Int
        /// The target repository, when the run got far enough to know it.
        public var repository: String?
    }

    /// The files in `feedback/.inflight/`, by name, each with its journal's stage. Read without the folder's lock, so
    /// a file being processed right now is listed too.
    public func inflightFiles() -> [InflightFile] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: inflightDirectory.path)) ?? [])
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(Self.legacyJournalSuffix) }
        guard !names.isEmpty else { return [] }
        let journals = journalLog.read().journals
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
            let journal = journals[name]
            var info = stat()
            var moved = Date()
            if lstat(inflightDirectory.appendingPathComponent(name).path, &info) == 0 {
                // The claim is a rename, which changes the status-change time (not the modification time).
                #if os(Linux)
                    moved = Date(timeIntervalSince1970: Double(info.st_ctim.tv_sec))
                #else
                    moved = Date(timeIntervalSince1970: Double(info.st_ctimespec.tv_sec))
                #endif
            }
            return InflightFile(
                file: name, stage: journal?.phase ?? .claimed,
                claimedAt: journal?.timings.claimedAt ?? moved, attempts: max(journal?.attempts ?? 1, 1),
                repository: journal?.repository)
        }
    }

    /// The seed's `applied-*.json` files in `feedback/`, by name.
    public func legacyAppliedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasPrefix(Self.legacyAppliedPrefix) && $0.hasSuffix(".json") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
