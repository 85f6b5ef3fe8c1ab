import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// An id applied before is found in the branch's history (its `Feedback-Id:` trailer) even when `feedback/` is lost.
@Suite("Duplicates found through git history")
struct HistoryDuplicateTests {
    @Test func anIdInTheHistoryIsADuplicateEvenWithoutTheLedger() async throws {
        let root = try ApplyTests.makeRoot()
        let patch = try ApplyTests.diff(root, ["README.md": "hi\n"])
        let other = try ApplyTests.diff(root, ["src/a.txt": "b\n"])
        try root.drop("1.json", ["version": 1, "id": "fb-9", "repo": "app", "patch": patch])
        guard case .applied(let first, _) = try #require(try await root.processor(publish: true).run().first) else {
            Issue.record("not applied")
            return
        }
        // The deploy root's feedback folder is lost (a new machine, a wiped disk): no ledger, no records.
        try FileManager.default.removeItem(at: root.feedback)
        try FileManager.default.createDirectory(at: root.feedback, withIntermediateDirectories: true)
        // The same id, with a patch that would apply: only the history knows it was applied.
        try root.drop("2.json", ["version": 1, "id": "fb-9", "repo": "app", "patch": other])
        let before = try root.snapshot()

        guard case .rejected(let record, _) = try #require(try await root.processor(publish: true).run().first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.code == .duplicate)
        #expect(record.message.contains(first.commit), "\(record.message)")
        #expect(record.message.contains("Feedback-Id"), "\(record.message)")
        #expect(try root.snapshot().differences(from: before) == [])
        #expect(try root.trailers() == ["fb-9"])
        // Only on the remote (pushed from elsewhere, fetched, local branch behind): found too.
        try root.fixture.pushCommit(
            to: root.remotes["app"]!, files: ["x.txt": "x\n"], message: "Other tool\n\nFeedback-Id: fb-remote")
        _ = try root.git(["fetch", "--quiet"])
        try root.drop("3.json", ["version": 1, "id": "fb-remote", "repo": "app", "patch": other])
        guard case .rejected(let remote, _) = try #require(try await root.processor().run().first) else {
            Issue.record("not rejected")
            return
        }
        #expect(remote.code == .duplicate)
    }
}
