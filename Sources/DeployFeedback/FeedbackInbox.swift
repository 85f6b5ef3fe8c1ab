import Foundation

/// The `feedback/` folder and its crash-safe lifecycle.
///
/// Layout:
/// - `feedback/*.json`: pending files, taken in byte order of their names; names starting with `.` are ignored.
/// - `feedback/.inflight/NAME/feedback.json` + `journal.json`: a claimed file and how far it got.
/// - `feedback/applied/NAME` + `NAME-stem.result.json`; `feedback/rejected/NAME` + `NAME-stem.reason.json`.
/// - `feedback/.ledger.json`: applied ids; `feedback/.lock`: held by the one process working on the folder.
///
/// A file is always in exactly one of these places: claiming and finishing are renames, and a name already taken in
/// `applied/` or `rejected/` gets a `-2`, `-3`, … suffix rather than replacing anything.
public struct FeedbackInbox: Sendable {
    /// The `feedback/` folder.
    public let directory: URL

    static let resultSuffix = ".result.json"
    static let reasonSuffix = ".reason.json"

    public init(directory: URL) {
        self.directory = directory
    }

    public var appliedDirectory: URL { directory.appendingPathComponent("applied", isDirectory: true) }
    public var rejectedDirectory: URL { directory.appendingPathComponent("rejected", isDirectory: true) }
    public var inflightDirectory: URL { directory.appendingPathComponent(".inflight", isDirectory: true) }
    public var ledgerURL: URL { directory.appendingPathComponent(".ledger.json") }
    var lockURL: URL { directory.appendingPathComponent(".lock") }

    /// Creates the folders and removes temporary files left by a crashed write.
    func prepare() throws(FeedbackError) {
        for folder in [directory, appliedDirectory, rejectedDirectory, inflightDirectory] {
            try AtomicFile.makeFolder(folder)
        }
        for folder in [directory, appliedDirectory, rejectedDirectory] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasPrefix(AtomicFile.temporaryPrefix) {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }

    /// Takes the folder's lock for as long as the returned value lives.
    ///
    /// - Throws: ``FeedbackError/Code/locked`` when another process holds it.
    func lock() throws(FeedbackError) -> FeedbackInboxLock {
        try FeedbackInboxLock(url: lockURL)
    }

    /// The pending feedback files, sorted by name (byte order).
    public func pendingFiles() throws(FeedbackError) -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw FeedbackError(.io, "cannot list '\(directory.path)': \(error.localizedDescription)")
        }
        return names.filter { name in
            guard name.hasSuffix(".json"), !name.hasPrefix(".") else { return false }
            var info = stat()
            guard lstat(directory.appendingPathComponent(name).path, &info) == 0 else { return false }
            return info.st_mode & S_IFMT != S_IFDIR
        }
        .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        .map { directory.appendingPathComponent($0) }
    }

    /// A claimed file: `.inflight/NAME/`.
    struct Claim: Sendable {
        let name: String
        let folder: URL
        var file: URL { folder.appendingPathComponent("feedback.json") }
        var journalURL: URL { folder.appendingPathComponent("journal.json") }
    }

    /// Moves a pending file into `.inflight/NAME/` and writes its first journal entry.
    func claim(_ pending: URL) throws(FeedbackError) -> (Claim, FeedbackJournal) {
        let name = pending.lastPathComponent
        let claim = Claim(name: name, folder: inflightDirectory.appendingPathComponent(name, isDirectory: true))
        if AtomicFile.exists(claim.folder) {
            throw FeedbackError(.io, "'\(name)' is already claimed")
        }
        try AtomicFile.makeFolder(claim.folder)
        AtomicFile.syncFolder(inflightDirectory)
        try AtomicFile.move(pending, to: claim.file)
        var journal = FeedbackJournal(file: name)
        journal.attempts = 1
        try AtomicFile.writeJSON(journal, to: claim.journalURL)
        return (claim, journal)
    }

    /// The files claimed by a process that did not finish them, each with its journal (a fresh `claimed` journal
    /// when the process died between the rename and the first journal write). Empty leftover folders are removed.
    func claims() throws(FeedbackError) -> [(Claim, FeedbackJournal)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: inflightDirectory.path)) ?? [])
            .filter { !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var result: [(Claim, FeedbackJournal)] = []
        for name in names {
            let claim = Claim(name: name, folder: inflightDirectory.appendingPathComponent(name, isDirectory: true))
            let hasFile = AtomicFile.exists(claim.file)
            let journal = try? FeedbackJSON.read(FeedbackJournal.self, from: claim.journalURL)
            if !hasFile, journal?.phase != .finishing {
                // Died between creating the folder and moving the file in (the file is still pending), or after
                // the file reached its destination (only the cleanup was left).
                try? FileManager.default.removeItem(at: claim.folder)
                continue
            }
            result.append((claim, journal ?? FeedbackJournal(file: name)))
        }
        return result
    }

    /// Records a phase change.
    func save(_ journal: FeedbackJournal, for claim: Claim) throws(FeedbackError) {
        try AtomicFile.writeJSON(journal, to: claim.journalURL)
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
            try AtomicFile.writeJSON(record, to: folder.appendingPathComponent(stem + Self.resultSuffix))
            var ledger = FeedbackLedger.load(from: ledgerURL, appliedDirectory: appliedDirectory)
            ledger.entries[record.id] = FeedbackLedger.Entry(
                file: destinationName, repository: record.repository, branch: record.branch, commit: record.commit,
                appliedAt: record.timings.finishedAt ?? Date())
            try AtomicFile.writeJSON(ledger, to: ledgerURL)
        case .rejected(var record):
            record.timings.finishedAt = record.timings.finishedAt ?? Date()
            try AtomicFile.writeJSON(record, to: folder.appendingPathComponent(stem + Self.reasonSuffix))
        }
        if AtomicFile.exists(claim.file) {
            try AtomicFile.move(claim.file, to: destination)
        }
        try? FileManager.default.removeItem(at: claim.folder)
        AtomicFile.syncFolder(inflightDirectory)
        return destination
    }

    /// The ledger of applied ids (rebuilt from the records if the file is missing).
    public func ledger() -> FeedbackLedger {
        FeedbackLedger.load(from: ledgerURL, appliedDirectory: appliedDirectory)
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
            throw FeedbackError(.locked, "another deployctl process is working on '\(url.deletingLastPathComponent().path)'")
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
