import Foundation
import Testing

@testable import DeployFeedback

@Suite("feedback/ lifecycle")
struct InboxTests {
    private func makeInbox(in folder: TemporaryFolder) throws -> FeedbackInbox {
        let inbox = FeedbackInbox(directory: folder.url.appendingPathComponent("feedback"))
        try inbox.prepare()
        return inbox
    }

    private func rejection(_ name: String) -> FeedbackRejection {
        FeedbackRejection(
            file: name, stage: .read, error: FeedbackError(.malformedJSON, "bad"), timings: FeedbackTimings())
    }

    @Test func pendingFilesAreSortedByBytesAndSkipHiddenAndFolders() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        for name in ["b.json", "B.json", "a.json", "10.json", "9.json", ".hidden.json", "notes.txt", "é.json"] {
            try Data("{}".utf8).write(to: inbox.directory.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(
            at: inbox.directory.appendingPathComponent("folder.json"), withIntermediateDirectories: true)
        #expect(
            try inbox.pendingFiles().map(\.lastPathComponent) == [
                "10.json", "9.json", "B.json", "a.json", "b.json", "é.json",
            ])
    }

    @Test func aFreshIncompleteFileIsTakenForOneStillBeingWritten() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        let half = inbox.directory.appendingPathComponent("half.json")
        try Data(#"{"repo": "app", "pat"#.utf8).write(to: half)
        let empty = inbox.directory.appendingPathComponent("empty.json")
        try Data().write(to: empty)
        let whole = inbox.directory.appendingPathComponent("whole.json")
        try Data(#"{"repo": "app"}"#.utf8).write(to: whole)

        #expect(inbox.isBeingWritten(half))
        #expect(inbox.isBeingWritten(empty))
        #expect(!inbox.isBeingWritten(whole))
        // Once settled, a broken file is just broken: it is taken (and rejected).
        let settled = Date().addingTimeInterval(FeedbackInbox.settleTime + 1)
        #expect(!inbox.isBeingWritten(half, now: settled))
    }

    @Test func claimAndFinishMoveTheFileExactlyOnce() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        let pending = inbox.directory.appendingPathComponent("x.json")
        try Data("payload".utf8).write(to: pending)
        let (claim, journal) = try inbox.claim(pending)
        #expect(!FileManager.default.fileExists(atPath: pending.path))
        #expect(try Data(contentsOf: claim.file) == Data("payload".utf8))
        #expect(try inbox.claims().map(\.0.name) == ["x.json"])
        var copy = journal
        let destination = try inbox.finish(claim, journal: &copy, outcome: .rejected(rejection("x.json")))
        #expect(destination == inbox.rejectedDirectory.appendingPathComponent("x.json"))
        #expect(try Data(contentsOf: destination) == Data("payload".utf8))
        #expect(
            FileManager.default.fileExists(atPath: inbox.rejectedDirectory.appendingPathComponent("x.reason.json").path)
        )
        #expect(try inbox.claims().isEmpty)
        // Only the journal log is left, emptied: nothing is in flight.
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.inflightDirectory.path) == [".journal.jsonl"])
        #expect(try Data(contentsOf: inbox.journalLog.url).isEmpty)
        _ = journal
    }

    @Test func aReusedNameNeverReplacesAnEarlierFile() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        for round in 1...3 {
            let pending = inbox.directory.appendingPathComponent("x.json")
            try Data("round \(round)".utf8).write(to: pending)
            var (claim, journal) = try inbox.claim(pending)
            try inbox.finish(claim, journal: &journal, outcome: .rejected(rejection("x.json")))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.rejectedDirectory.path).sorted()
        #expect(names == ["x-2.json", "x-2.reason.json", "x-3.json", "x-3.reason.json", "x.json", "x.reason.json"])
        #expect(
            try Data(contentsOf: inbox.rejectedDirectory.appendingPathComponent("x-3.json")) == Data("round 3".utf8))
    }

    @Test func recoveryAfterADeathInsideClaimOrFinish() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        // Died right after the claim (a rename): no journal yet.
        try Data("b".utf8).write(to: inbox.inflightDirectory.appendingPathComponent("b.json"))
        // Died in the middle of finishing: the journal holds the outcome, the record is written, the file is not moved.
        let pendingC = inbox.directory.appendingPathComponent("c.json")
        try Data("c".utf8).write(to: pendingC)
        var (claimC, journalC) = try inbox.claim(pendingC)
        journalC.phase = .finishing
        journalC.destination = "c.json"
        journalC.outcome = .rejected(rejection("c.json"))
        try inbox.save(journalC, for: claimC)
        try AtomicFile.writeJSON(
            rejection("c.json"), to: inbox.rejectedDirectory.appendingPathComponent("c.reason.json"))
        // Died after moving the file to its destination, before closing its journal.
        try inbox.journalLog.append(FeedbackJournal(file: "d.json"))
        // A temporary file of a write that never finished.
        try Data("partial".utf8).write(to: inbox.inflightDirectory.appendingPathComponent(".tmp-1234-e.json.journal"))
        try inbox.prepare()

        let claims = try inbox.claims()
        #expect(claims.map(\.0.name) == ["b.json", "c.json"])
        #expect(claims[0].1.phase == .claimed)
        #expect(claims[1].1.phase == .finishing)
        #expect(inbox.journalLog.read().journals.keys.sorted() == ["c.json"])
        #expect(
            !FileManager.default.fileExists(
                atPath: inbox.inflightDirectory.appendingPathComponent(".tmp-1234-e.json.journal").path))

        _ = try inbox.completeFinish(claims[1].0, journal: claims[1].1)
        #expect(try Data(contentsOf: inbox.rejectedDirectory.appendingPathComponent("c.json")) == Data("c".utf8))
        #expect(try inbox.claims().map(\.0.name) == ["b.json"])
        _ = claimC
    }

    @Test func theJournalLogKeepsTheLatestPhaseAndSkipsATornLine() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        let pending = inbox.directory.appendingPathComponent("a.json")
        try Data("a".utf8).write(to: pending)
        var (claim, journal) = try inbox.claim(pending)
        journal.phase = .applying
        try inbox.save(journal, for: claim)
        journal.phase = .committed
        journal.commit = "0123abcd"
        try inbox.save(journal, for: claim)
        // Killed in the middle of the next append: half a line, no newline.
        let handle = try FileHandle(forWritingTo: inbox.journalLog.url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"journal":{"file":"a.json","phase":"publ"#.utf8))
        try handle.close()

        let claims = try inbox.claims()
        #expect(claims.map(\.1.phase) == [.committed])
        #expect(claims.first?.1.commit == "0123abcd")
        // Compacted to the one open journal.
        #expect(inbox.journalLog.read().lines == 1)
        journal.phase = .published
        try inbox.save(journal, for: claim)
        #expect(try inbox.claims().map(\.1.phase) == [.published])
    }

    @Test func aNameUsedAgainAfterItsFileFinishedStartsWithoutAJournal() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        let pending = inbox.directory.appendingPathComponent("x.json")
        try Data("first".utf8).write(to: pending)
        var (claim, journal) = try inbox.claim(pending)
        journal.phase = .applying
        try inbox.save(journal, for: claim)
        try inbox.finish(claim, journal: &journal, outcome: .rejected(rejection("x.json")))
        // The same name again, killed right after its claim: the earlier file's journal is not its journal.
        try Data("second".utf8).write(to: pending)
        _ = try inbox.claim(pending)

        let claims = try inbox.claims()
        #expect(claims.map(\.0.name) == ["x.json"])
        #expect(claims.map(\.1.phase) == [.claimed])
    }

    @Test func aJournalFileOfAnEarlierVersionIsMovedIntoTheLog() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        try Data("l".utf8).write(to: inbox.inflightDirectory.appendingPathComponent("l.json"))
        var old = FeedbackJournal(file: "l.json")
        old.phase = .applying
        old.headBefore = "89ab"
        let legacy = inbox.inflightDirectory.appendingPathComponent("l.json.journal")
        try AtomicFile.writeJSON(old, to: legacy)

        let claims = try inbox.claims()
        #expect(claims.map(\.0.name) == ["l.json"])
        #expect(claims.first?.1.phase == .applying)
        #expect(claims.first?.1.headBefore == "89ab")
        #expect(!FileManager.default.fileExists(atPath: legacy.path))
        #expect(inbox.journalLog.read().journals["l.json"]?.phase == .applying)
    }

    @Test func ledgerIsRebuiltFromResultRecords() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        let record = FeedbackResultRecord(
            file: "x.json", id: "fb-9", repository: "app", branch: "main", commit: String(repeating: "a", count: 40),
            parent: String(repeating: "b", count: 40), base: nil, threeWay: false, paths: ["README.md"],
            verification: .skipped, publication: .none, restart: nil, checkout: nil, timings: FeedbackTimings(),
            description: "",
            metadata: [:], unknownFields: [:])
        try AtomicFile.writeJSON(record, to: inbox.appliedDirectory.appendingPathComponent("x.result.json"))
        #expect(!FileManager.default.fileExists(atPath: inbox.ledgerURL.path))
        #expect(inbox.ledger().entries["fb-9"]?.commit == record.commit)
        // Appended entries are read back; a line torn by a kill is skipped, and the next entry starts a new line.
        let entry = FeedbackLedger.Entry(
            id: "fb-10", file: "y.json", repository: "app", branch: "main", commit: "c", appliedAt: Date())
        try FeedbackLedger.append(entry, to: inbox.ledgerURL, appliedDirectory: inbox.appliedDirectory, sync: false)
        let handle = try FileHandle(forWritingTo: inbox.ledgerURL)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"id": "fb-torn", "fi"#.utf8))
        try handle.close()
        try FeedbackLedger.append(
            FeedbackLedger.Entry(
                id: "fb-11", file: "z.json", repository: "app", branch: "main", commit: "d", appliedAt: Date()),
            to: inbox.ledgerURL, sync: true)
        inbox.cache.clear()  // appended behind the inbox's back
        #expect(inbox.ledger().entries.keys.sorted() == ["fb-10", "fb-11", "fb-9"])
    }

    @Test func onlyOneProcessorAtATime() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let inbox = try makeInbox(in: folder)
        let held = try inbox.lock()
        #expect(throws: FeedbackError.self) { try inbox.lock() }
        withExtendedLifetime(held) {}
    }

    @Test func restartCommandComesFromCommandsOnly() throws {
        let folder = try TemporaryFolder()
        let commands = folder.url.appendingPathComponent("commands")
        try FileManager.default.createDirectory(at: commands, withIntermediateDirectories: true)
        #expect(RestartCommand.resolve(commandsDirectory: commands, repository: "app") == nil)
        try Data("#!/bin/sh\n".utf8).write(to: commands.appendingPathComponent("restart-services.sh"))
        #expect(
            RestartCommand.resolve(commandsDirectory: commands, repository: "app")?.displayPath
                == "commands/restart-services.sh")
        try Data("#!/bin/sh\n".utf8).write(to: commands.appendingPathComponent("restart-app.sh"))
        #expect(
            RestartCommand.resolve(commandsDirectory: commands, repository: "app")?.displayPath
                == "commands/restart-app.sh")
        // An invalid name never selects a per-repository script, even one that exists.
        try Data("#!/bin/sh\n".utf8).write(to: commands.appendingPathComponent("restart-..sh"))
        #expect(
            RestartCommand.resolve(commandsDirectory: commands, repository: ".")?.displayPath
                == "commands/restart-services.sh")
        #expect(
            RestartCommand.resolve(commandsDirectory: commands, repository: "../commands/restart-app")?.displayPath
                == "commands/restart-services.sh")
    }
}
