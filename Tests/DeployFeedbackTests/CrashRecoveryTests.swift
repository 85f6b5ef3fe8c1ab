import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Kill-safety: processing stops right after each journaled phase (as a SIGKILL there would leave it), and the next
/// run finishes the file: exactly one commit, the file in exactly one place, the restart run exactly once.
@Suite("Crash recovery")
struct CrashRecoveryTests {
    struct Setup {
        let root: DeployRoot
        let marker: URL
    }

    private func makeSetup() throws -> Setup {
        let root = try ApplyTests.makeRoot()
        let marker = root.url.appendingPathComponent("restarts.txt")
        try Data("#!/bin/sh\necho restart >> '\(marker.path)'\n".utf8)
            .write(to: root.commands.appendingPathComponent("restart-services.sh"))
        let patch = try ApplyTests.diff(root, ["README.md": "hi\n", "src/a.txt": "changed\n", "src/b.txt": "new\n"])
        try root.drop(
            "fb.json", ["version": 1, "id": "fb-crash", "repo": "app", "patch": patch, "description": "Crash me"])
        return Setup(root: root, marker: marker)
    }

    private func expectFinished(_ setup: Setup, _ outcomes: [FeedbackOutcome], publish: Bool) async throws {
        let root = setup.root
        guard case .applied(let record, _) = try #require(outcomes.first) else {
            Issue.record("not applied after resuming: \(outcomes)")
            return
        }
        #expect(try root.trailers() == ["fb-crash"], "exactly one feedback commit")
        #expect(try root.git(["rev-parse", "HEAD"]) == record.commit)
        #expect(try root.git(["status", "--porcelain"]) == "")
        #expect(
            try String(contentsOf: root.checkout().appendingPathComponent("src/a.txt"), encoding: .utf8) == "changed\n")
        #expect(try root.names(in: "applied") == ["fb.json", "fb.result.json"])
        #expect(try root.names(in: "rejected") == [])
        #expect(try root.names(in: ".inflight") == [])
        #expect(try root.names(in: "").filter { $0.hasSuffix(".json") } == [])
        #expect(try String(contentsOf: setup.marker, encoding: .utf8) == "restart\n", "restarted exactly once")
        if publish {
            #expect(
                try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main"]) == record.commit)
        }
        // Nothing is left to do, and a second drop of the same id is a duplicate.
        #expect(try await root.processor(publish: publish, restart: true).run().isEmpty)
    }

    @Test(arguments: [FeedbackJournal.Phase.claimed, .applying, .committed, .published])
    func localCommitResumesAfterEveryPhase(phase: FeedbackJournal.Phase) async throws {
        let setup = try makeSetup()
        let halted = try await setup.root.processor(restart: true, haltAfter: phase).run()
        guard case .deferred(let name, let error) = try #require(halted.first) else {
            Issue.record("did not halt: \(halted)")
            return
        }
        #expect(name == "fb.json")
        #expect(error.message.contains(phase.rawValue))
        #expect(try setup.root.names(in: ".inflight").first == "fb.json")
        try await expectFinished(setup, try await setup.root.processor(restart: true).run(), publish: false)
    }

    @Test(arguments: [FeedbackJournal.Phase.claimed, .committed, .published])
    func pushResumesAfterEveryPhase(phase: FeedbackJournal.Phase) async throws {
        let setup = try makeSetup()
        let halted = try await setup.root.processor(publish: true, restart: true, haltAfter: phase).run()
        guard case .deferred = try #require(halted.first) else {
            Issue.record("did not halt: \(halted)")
            return
        }
        try await expectFinished(
            setup, try await setup.root.processor(publish: true, restart: true).run(), publish: true)
    }

    @Test func aHalfWrittenApplyIsCompleted() async throws {
        let setup = try makeSetup()
        _ = try await setup.root.processor(restart: true, haltAfter: .applying).run()
        // Killed while libgit2 was writing the work tree: one file has its new content, the others do not.
        try Data("changed\n".utf8).write(to: setup.root.checkout().appendingPathComponent("src/a.txt"))
        try await expectFinished(setup, try await setup.root.processor(restart: true).run(), publish: false)
        #expect(
            try String(contentsOf: setup.root.checkout().appendingPathComponent("src/b.txt"), encoding: .utf8)
                == "new\n")
    }

    @Test func aCommitMadeButNotJournaledIsRecognised() async throws {
        let setup = try makeSetup()
        _ = try await setup.root.processor(restart: true, haltAfter: .committed).run()
        // Killed between creating the commit and writing the journal: the journal still says "applying".
        let log = setup.root.feedback.appendingPathComponent(".inflight/.journal.jsonl")
        let last = try #require(try Data(contentsOf: log).split(separator: UInt8(ascii: "\n")).last)
        guard case .object(let line) = try JSONDecoder().decode(JSONValue.self, from: Data(last)),
            case .object(var journal)? = line["journal"]
        else {
            Issue.record("the last journal line is not a journal")
            return
        }
        journal["phase"] = .string("applying")
        journal["commit"] = nil
        var lines = try Data(contentsOf: log).split(separator: UInt8(ascii: "\n")).dropLast().map { Data($0) }
        lines.append(try JSONEncoder().encode(JSONValue.object(["journal": .object(journal)])))
        try Data(lines.joined(separator: Data("\n".utf8)) + Data("\n".utf8)).write(to: log)
        try await expectFinished(setup, try await setup.root.processor(restart: true).run(), publish: false)
    }

    @Test func repeatedInterruptionsEndInARejection() async throws {
        let setup = try makeSetup()
        for _ in 1...3 {
            let outcomes = try await setup.root.processor(haltAfter: .claimed).run()
            guard case .deferred = try #require(outcomes.first) else {
                Issue.record("did not halt")
                return
            }
        }
        guard case .rejected(let record, _) = try #require(try await setup.root.processor().run().first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.code == .tooManyAttempts)
        #expect(try setup.root.names(in: "rejected") == ["fb.json", "fb.reason.json"])
        #expect(try setup.root.trailers() == [])
    }
}
