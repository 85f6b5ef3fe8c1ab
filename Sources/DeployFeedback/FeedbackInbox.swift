import DeployBuild
import Foundation

/// The `feedback/` folder and its crash-safe lifecycle.
///
/// Layout:
/// - `feedback/*.json`: pending files, taken in byte order of their names; names starting with `.` are ignored.
/// - `feedback/.inflight/NAME`: a claimed file; how far it got is in `feedback/.inflight/.journal.jsonl`
///   (``FeedbackJournalLog``; no journal yet: just claimed).
/// - `feedback/applied/NAME` + `STEM.result.json`; `feedback/rejected/NAME` + `STEM.reason.json`.
/// - `feedback/.ledger.jsonl`: applied ids, one JSON line each, appended; `feedback/.lock`: held by the one process
///   working on the folder.
///
/// Creating files is what costs most on ext4 (about 1 ms per new inode when many were recently deleted), so a file
/// that goes straight through costs few of them: the claim and the final move are renames, the journal and the
/// ledger are appended to, and only the outcome record is a new file.
///
/// A file is always in exactly one of these places: claiming and finishing are renames, and a name already taken in
/// `applied/` or `rejected/` gets a `-2`, `-3`, … suffix rather than replacing anything.
public struct FeedbackInbox: Sendable {
    /// The `feedback/` folder.
    public let directory: URL

    /// Whether every write and rename is also synced to disk (see ``FeedbackProcessor/Options/syncToDisk``).
    public let syncs: Bool
    /// Fault injection for crash tests (``FaultPoint/feedbackClaimed``, ``FaultPoint/feedbackRecorded``); the default
    /// injects nothing.
    public let faults: FaultInjection
    /// The ledger as last read or appended by this value (valid while the folder lock is held).
    let cache = LedgerCache()

    static let resultSuffix = ".result.json"
    static let reasonSuffix = ".reason.json"

    public init(directory: URL, syncs: Bool = false, faults: FaultInjection = FaultInjection()) {
        self.directory = directory
        self.syncs = syncs
        self.faults = faults
    }

    public var appliedDirectory: URL { directory.appendingPathComponent("applied", isDirectory: true) }
    public var rejectedDirectory: URL { directory.appendingPathComponent("rejected", isDirectory: true) }
    public var inflightDirectory: URL { directory.appendingPathComponent(".inflight", isDirectory: true) }
    public var ledgerURL: URL { directory.appendingPathComponent(".ledger.jsonl") }
    var journalLog: FeedbackJournalLog {
        FeedbackJournalLog(url: inflightDirectory.appendingPathComponent(FeedbackJournalLog.fileName), syncs: syncs)
    }
    var lockURL: URL { directory.appendingPathComponent(".lock") }

    /// Creates the folders and removes temporary files left by a crashed write.
    func prepare() throws(FeedbackError) {
        for folder in [directory, appliedDirectory, rejectedDirectory, inflightDirectory] {
            try AtomicFile.makeFolder(folder)
        }
        for folder in [directory, appliedDirectory, rejectedDirectory, inflightDirectory] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasPrefix(AtomicFile.temporaryPrefix) {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }

    /// Takes the folder's lock for as long as the returned value lives.
    ///
    /// - Parameter patience: how long to keep trying while someone else holds it (a short job of the same loop,
    ///   such as its feedback task looking at a file that just appeared); 0 tries once.
    /// - Throws: ``FeedbackError/Code/locked`` when another holder keeps it past `patience`.
    func lock(patience: Duration = .zero) throws(FeedbackError) -> FeedbackInboxLock {
        let deadline = ContinuousClock.now + patience
        while true {
            do { return try FeedbackInboxLock(url: lockURL) } catch where error.code == .locked {
                guard ContinuousClock.now < deadline else { throw error }
                usleep(20_000)
            }
        }
    }

    /// The pending feedback files, sorted by name (byte order). Names starting with `applied-` are the seed's marks
    /// of files it applied (``legacyAppliedPrefix``): never pending.
    public func pendingFiles() throws(FeedbackError) -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw FeedbackError(.io, "cannot list '\(directory.path)': \(error.localizedDescription)")
        }
        return names.filter { name in
            guard name.hasSuffix(".json"), !name.hasPrefix("."), !name.hasPrefix(Self.legacyAppliedPrefix) else {
                return false
            }
            var info = stat()
            guard lstat(directory.appendingPathComponent(name).path, &info) == 0 else { return false }
            return info.st_mode & S_IFMT != S_IFDIR
        }
        .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        .map { directory.appendingPathComponent($0) }
    }

    /// How long after its last write a pending file that is not complete JSON is taken for one still being written.
    public static let settleTime: TimeInterval = 2

    /// Whether `pending` looks like a file its writer has not finished: modified in the last ``settleTime`` seconds
    /// and not (yet) a complete JSON value — an agent that writes in place, not through a rename. Such a file is
    /// left pending: the writer's close wakes the loop again (or the next poll takes it), and a file that stays
    /// broken is rejected once it has settled.
    func isBeingWritten(_ pending: URL, now: Date = Date()) -> Bool {
        let attributes = try? FileManager.default.attributesOfItem(atPath: pending.path)
        guard let modified = attributes?[.modificationDate] as? Date, now.timeIntervalSince(modified) < Self.settleTime
        else { return false }
        guard let data = FileManager.default.contents(atPath: pending.path), !data.isEmpty else { return true }
        return (try? JSONValue(parsing: data)) == nil
    }

    /// A claimed file: `.inflight/NAME`.
    struct Claim: Sendable {
        let name: String
        let inflight: URL
        var file: URL { inflight.appendingPathComponent(name) }
    }

    /// The suffix of the journal files of earlier versions (`.inflight/NAME.journal`, one per claim); read once by
    /// ``claims()`` and moved into the log.
    static let legacyJournalSuffix = ".journal"

    func claim(named name: String) -> Claim { Claim(name: name, inflight: inflightDirectory) }

    /// Moves a pending file into `.inflight/`. No journal is written yet: a claimed file without one is in the
    /// `claimed` phase.
    func claim(_ pending: URL) throws(FeedbackError) -> (Claim, FeedbackJournal) {
        let claim = claim(named: pending.lastPathComponent)
        if AtomicFile.exists(claim.file) {
            throw FeedbackError(.io, "'\(claim.name)' is already claimed")
        }
        try AtomicFile.move(pending, to: claim.file, sync: syncs)
        faults.reach(.feedbackClaimed)
        var journal = FeedbackJournal(file: claim.name)
        journal.attempts = 1
        return (claim, journal)
    }

    /// The files claimed by a process that did not finish them, each with its journal (a fresh `claimed` journal
    /// when none was written). Journals left after their file reached its destination are dropped, and the journal
    /// log is compacted to the claims returned. Call with the folder's lock held.
    func claims() throws(FeedbackError) -> [(Claim, FeedbackJournal)] {
        let log = journalLog
        var (journals, lines) = log.read()
        var files = Set<String>()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: inflightDirectory.path)) ?? []
        where !entry.hasPrefix(".") {
            guard entry.hasSuffix(Self.legacyJournalSuffix) else {
                files.insert(entry)
                continue
            }
            let legacy = inflightDirectory.appendingPathComponent(entry)
            if let journal = try? FeedbackJSON.read(FeedbackJournal.self, from: legacy), journals[journal.file] == nil {
                try log.append(journal)
                journals[journal.file] = journal
                lines += 1
            }
            unlink(legacy.path)
        }
        var result: [(Claim, FeedbackJournal)] = []
        for name in files.union(journals.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let journal = journals[name]
            // Without its file, a journal is only needed to finish finishing: the file reached its destination.
            guard files.contains(name) || journal?.phase == .finishing else { continue }
            var recovered = journal ?? FeedbackJournal(file: name)
            if journal == nil { recovered.attempts = 1 }
            result.append((claim(named: name), recovered))
        }
        try log.compact(keeping: result.compactMap { journals[$0.0.name] }, lines: lines)
        return result
    }

    /// Records a phase change.
    func save(_ journal: FeedbackJournal, for claim: Claim) throws(FeedbackError) {
        try journalLog.append(journal)
    }

    /// Ends a claim: writes the record, updates the ledger for applied files, moves the file, removes the claim.
    /// Safe to call again after a crash at any point inside it.
    ///
    /// - Returns: the file's final location.
    @discardableResult
    func finish(_ claim: Claim, journal: inout FeedbackJournal, outcome: FeedbackJournal.Outcome) throws(FeedbackError)
        -> URL
    {
        if journal.phase != .finishing || journal.destination == nil {
            journal.phase = .finishing
            journal.outcome = outcome
            journal.destination = try freeName(for: claim.name, applied: outcome.isApplied)
            try save(journal, for: claim)
        }
        return try completeFinish(claim, journal: journal)
    }

    /// The idempotent tail of ``finish(_:journal:outcome:)``.
    func completeFinish(_ claim: Claim, journal: FeedbackJournal) throws(FeedbackError) -> URL {
        guard let outcome = journal.outcome, let destinationName = journal.destination else {
            throw FeedbackError(.journal, "the journal of '\(claim.name)' is finishing without an outcome")
        }
        let folder = outcome.isApplied ? appliedDirectory : rejectedDirectory
        let stem = Self.stem(destinationName)
        let destination = folder.appendingPathComponent(destinationName)
        switch outcome {
        case .applied(var record):
            record.timings.finishedAt = record.timings.finishedAt ?? Date()
            try AtomicFile.writeJSON(record, to: folder.appendingPathComponent(stem + Self.resultSuffix), sync: syncs)
            // A restart request applies no id: asking again restarts again.
            guard record.kind != .restartRequest else { break }
            let entry = FeedbackLedger.Entry(
                id: record.id, file: destinationName, repository: record.repository, branch: record.branch,
                commit: record.commit, appliedAt: record.timings.finishedAt ?? Date())
            try FeedbackLedger.append(entry, to: ledgerURL, appliedDirectory: appliedDirectory, sync: syncs)
            cache.add(entry)
        case .rejected(var record):
            record.timings.finishedAt = record.timings.finishedAt ?? Date()
            try AtomicFile.writeJSON(record, to: folder.appendingPathComponent(stem + Self.reasonSuffix), sync: syncs)
        }
        faults.reach(.feedbackRecorded)
        if AtomicFile.exists(claim.file) {
            try AtomicFile.move(claim.file, to: destination, sync: syncs)
        }
        try journalLog.close(claim.name)
        return destination
    }

    /// The ledger of applied ids (rebuilt from the records if the file is missing).
    public func ledger() -> FeedbackLedger {
        cache.value { FeedbackLedger.load(from: ledgerURL, appliedDirectory: appliedDirectory) }
    }

    /// `NAME` if neither it nor its record exists in the destination folder, else `STEM-2.json`, `STEM-3.json`, ….
    private func freeName(for name: String, applied: Bool) throws(FeedbackError) -> String {
        let folder = applied ? appliedDirectory : rejectedDirectory
        let suffix = applied ? Self.resultSuffix : Self.reasonSuffix
        let stem = Self.stem(name)
        for attempt in 1...10_000 {
            let candidateStem = attempt == 1 ? stem : "\(stem)-\(attempt)"
            let candidate = attempt == 1 ? name : candidateStem + ".json"
            if !AtomicFile.exists(folder.appendingPathComponent(candidate)),
                !AtomicFile.exists(folder.appendingPathComponent(candidateStem + suffix))
            {
                return candidate
            }
        }
        throw FeedbackError(.io, "no free name for '\(name)' in '\(folder.path)'")
    }

    static func stem(_ name: String) -> String {
        name.hasSuffix(".json") ? String(name.dropLast(5)) : name
    }
}

extension FeedbackJournal.Outcome {
    var isApplied: Bool {
        if case .applied = self { return true }
        return false
    }
}

/// An exclusive `flock` on `feedback/.lock`, released when this value is freed.
final class FeedbackInboxLock {
    private let fd: Int32

    init(url: URL) throws(FeedbackError) {
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io("cannot open lock", url) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw FeedbackError(
                .locked, "another deployctl process is working on '\(url.deletingLastPathComponent().path)'")
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Keeps the ledger read once per run instead of once per file; cleared when the ledger changes or a run starts.
final class LedgerCache: @unchecked Sendable {
    private let lock = NSLock()
    private var ledger: FeedbackLedger?

    func value(_ load: () -> FeedbackLedger) -> FeedbackLedger {
        lock.withLock {
            if let ledger { return ledger }
            let loaded = load()
            ledger = loaded
            return loaded
        }
    }

    /// Adds an entry just appended to the file (when the ledger is loaded; otherwise the next read loads it).
    func add(_ entry: FeedbackLedger.Entry) {
        lock.withLock { ledger?.entries[entry.id] = entry }
    }

    func clear() {
        lock.withLock { ledger = nil }
    }
}
