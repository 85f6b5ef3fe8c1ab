import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// What a root moved over from the seed (Codex-Deployer) keeps in `feedback/`, and files a run left claimed.
@Suite("The seed's feedback folder and claimed files")
struct SeedFeedbackFolderTests {
    @Test func theSeedsAppliedMarksAreNeverPendingAndAreLeftWhereTheyAre() async throws {
        let root = try DeployRoot()
        let old = root.feedback.appendingPathComponent("applied-fix-login.json")
        let text = #"{"repo": "app", "patch": "diff --git a/README.md b/README.md\n", "description": "old"}"#
        try Data(text.utf8).write(to: old)
        let inbox = FeedbackInbox(directory: root.feedback)
        #expect(try inbox.pendingFiles().isEmpty)
        #expect(inbox.legacyAppliedFiles() == ["applied-fix-login.json"])

        #expect(try await root.processor().run().isEmpty, "nothing to process")
        #expect(try String(contentsOf: old, encoding: .utf8) == text, "left alone")
        #expect(try root.names(in: "applied").isEmpty)
        #expect(try root.names(in: "rejected").isEmpty)
    }

    @Test func aFileLeftClaimedIsListedWithItsStageAndClaimTime() async throws {
        let root = try DeployRoot()
        try root.drop("fb.json", ["repo": "app", "patch": try ApplyTests.diff(root, ["README.md": "hi\n"])])
        let before = Date().addingTimeInterval(-1)
        guard case .deferred = try #require(try await root.processor(haltAfter: .applying).run().first) else {
            Issue.record("not halted")
            return
        }
        let inbox = FeedbackInbox(directory: root.feedback)
        let inflight = inbox.inflightFiles()
        #expect(inflight.map(\.file) == ["fb.json"])
        #expect(inflight.first?.stage == .applying)
        #expect(inflight.first?.repository == "app")
        #expect((inflight.first?.claimedAt ?? .distantPast) >= before)
        #expect(try inbox.pendingFiles().isEmpty, "claimed files are not in feedback/ itself")
    }
}
