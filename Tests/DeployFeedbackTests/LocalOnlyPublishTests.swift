import DeployGit
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// A repository without a remote still takes feedback: the verified commit lands on its branch, recorded as
/// committed, not published.
@Suite("Publishing where there is no remote")
struct LocalOnlyPublishTests {
    @Test func aRepositoryWithoutARemoteGetsTheCommitOnItsBranchAndTheRecordSaysNotPublished() async throws {
        let root = try DeployRoot()
        let patch = try ApplyTests.diff(root, ["README.md": "local only\n"])
        try root.git(["remote", "remove", "origin"])
        try root.drop("fb.json", ["repo": "app", "patch": patch, "description": "Change it locally"])
        var processor = root.processor()
        processor = FeedbackProcessor(
            feedbackDirectory: root.feedback, commandsDirectory: root.commands, repositories: root.repositories,
            options: processor.options, publisher: LocalOnlyFallbackPublisher(DirectPushPublisher()),
            author: Signature(name: "deployctl test", email: "deployctl@example.invalid"))

        guard case .applied(let record, _) = try #require(try await processor.run().first) else {
            Issue.record("not applied")
            return
        }
        #expect(record.publication.kind == .local)
        #expect(record.publication.note == "the repository has no remote 'origin'")
        #expect(try root.git(["rev-parse", "HEAD"]) == record.commit, "the branch holds the commit")
        #expect(try String(contentsOf: root.checkout().appendingPathComponent("README.md"), encoding: .utf8) == "local only\n")
        #expect(try root.git(["status", "--porcelain"]) == "")
        #expect(try root.trailers().count == 1)
    }
}
