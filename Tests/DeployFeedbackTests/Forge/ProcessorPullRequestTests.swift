import DeployGit
import DeployHTTP
import DeployHTTPTestSupport
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// The whole path: a feedback file → the processor → a pushed `deployctl/<id>` branch on a real bare remote → a pull
/// request on the contract server → merged (fast-forward of the bare `main`) → an applied record.
@Suite("Feedback through a pull request, end to end")
struct ProcessorPullRequestTests {
    static func processor(_ root: DeployRoot, server: ForgeContractServer) -> FeedbackProcessor {
        let waits = RecordedWaits()
        var options = FeedbackProcessor.Options(verify: false)
        options.worktreeDirectory = root.folder.url.appendingPathComponent("worktrees")
        let publisher = PullRequestPublisher(
            forge: server.forge(waits: waits),
            options: .init(
                pollInterval: .milliseconds(10), timeout: .seconds(60), gitTimeout: .seconds(30), sleep: waits.sleep))
        return FeedbackProcessor(
            feedbackDirectory: root.feedback, commandsDirectory: root.commands, repositories: root.repositories,
            options: options, publisher: publisher,
            author: Signature(name: "deployctl test", email: "deployctl@example.invalid"))
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aMergedPullRequestAppliesTheFeedback(flavor: ForgeContractServer.Flavor) async throws {
        let root = try ApplyTests.makeRoot()
        let server = try ForgeContractServer(flavor: flavor, gitRoot: root.folder.scratch.url)
        try await server.setMergeAfterPolls(2)
        try root.drop(
            "fb.json",
            [
                "version": 1, "id": "fb-pr", "repo": "app", "description": "Greet properly",
                "patch": try ApplyTests.diff(root, ["README.md": "hi\n"]),
            ])

        let outcomes = try await Self.processor(root, server: server).run()

        guard case .applied(let record, _) = try #require(outcomes.first) else {
            Issue.record("not applied: \(outcomes)")
            return
        }
        #expect(record.publication.kind == .pullRequest)
        #expect(record.publication.ref == "refs/heads/deployctl/fb-pr")
        let remote = root.remotes["app"]!
        #expect(try Shell.check(["git", "--git-dir", remote.path, "rev-parse", "main"]) == record.commit)
        #expect(try Shell.check(["git", "--git-dir", remote.path, "rev-parse", "deployctl/fb-pr"]) == record.commit)
        #expect(try root.git(["rev-parse", "refs/remotes/origin/main"]) == record.commit, "fetched after the merge")
        #expect(try root.names(in: "applied") == ["fb.json", "fb.result.json"])
        let pull = try #require(try await server.report().pulls.first)
        #expect(pull.title == "Greet properly")
        #expect(record.checkout?.hasPrefix("fast-forwarded") == true)
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aClosedPullRequestRejectsTheFeedbackWithTheReason(flavor: ForgeContractServer.Flavor) async throws {
        let root = try ApplyTests.makeRoot()
        let server = try ForgeContractServer(flavor: flavor, gitRoot: root.folder.scratch.url)
        try await server.setCloseAfterPolls(1)
        try root.drop(
            "fb.json",
            ["version": 1, "id": "fb-no", "repo": "app", "patch": try ApplyTests.diff(root, ["README.md": "no\n"])])
        let before = try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main"])

        let outcomes = try await Self.processor(root, server: server).run()

        guard case .rejected(let rejection, _) = try #require(outcomes.first) else {
            Issue.record("not rejected: \(outcomes)")
            return
        }
        #expect(rejection.code == .pullRequestClosed)
        #expect(rejection.stage == .publish)
        #expect(try root.names(in: "rejected") == ["fb.json", "fb.reason.json"])
        #expect(try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main"]) == before)
        try await server.expectNoViolations()
    }
}
