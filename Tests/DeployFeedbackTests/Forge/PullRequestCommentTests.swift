import DeployGit
import DeployFeedback
import DeployHTTP
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// The build-summary comment on a feedback pull request, against the contract server (GitHub and Gitea).
@Suite("Build summary comments on pull requests")
struct PullRequestCommentTests {
    static let verification = FeedbackVerification(
        outcome: .failed, logFile: "/srv/root/deploy/logs/feedback-fb-1-1.log",
        report: .object([
            "tests": .object([
                "passed": .number(11), "failed": .number(1),
                "failures": .array([.object(["name": .string("doubling"), "message": .string("42 != 63")])]),
            ])
        ]), seconds: 12.5)

    @Test func theSummaryNamesTheOutcomeTheCountsAndTheFailures() {
        let body = PullRequestComment.make(feedbackID: "fb-1", commit: "abc123", verification: Self.verification)
        #expect(body.contains("- Commit: `abc123`"))
        #expect(body.contains("**failed** in 12.5 s (tests: 11 passed, 1 failed)"), "\(body)")
        #expect(body.contains("- `doubling`: 42 != 63"))
        #expect(body.contains("`feedback-fb-1-1.log`") && !body.contains("/srv/root"), "only the log's name")
        let off = PullRequestComment.make(feedbackID: "fb-1", commit: "abc123", verification: .skipped)
        #expect(off.contains("not built or tested"))
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func anOpenedPullRequestGetsOneSummaryCommentAndAFoundOneNone(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try PullRequestPublisherTests.Setup(flavor: flavor)
        try await setup.server.setMergeAfterPolls(1)
        var request = setup.request
        request.verification = FeedbackVerification(outcome: .passed, seconds: 3)
        _ = try await setup.publisher().publish(request)
        var report = try await setup.server.report()
        #expect(report.comments.count == 1)
        #expect(report.comments.first?.number == 1)
        #expect(report.comments.first?.body?.contains("**passed** in 3.0 s") == true, "\(report.comments)")
        #expect(report.comments.first?.body?.contains(request.commit.hex) == true)

        // A retry that finds the pull request (already merged with this commit) comments no second time.
        _ = try await setup.publisher().publish(request)
        report = try await setup.server.report()
        #expect(report.comments.count == 1)
        try await setup.server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aRefusedCommentDoesNotStopThePublish(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try PullRequestPublisherTests.Setup(flavor: flavor)
        try await setup.server.setMergeAfterPolls(1)
        try await setup.server.inject([
            .init(
                "POST", "/repos/\(setup.repository.owner)/app/issues/1/comments", status: 403,
                json: #"{"message":"Resource not accessible by integration"}"#)
        ])
        let publication = try await setup.publisher().publish(setup.request)
        #expect(publication.kind == .pullRequest)
        let report = try await setup.server.report()
        #expect(report.comments.isEmpty)
        #expect(report.requests.contains { $0.method == "POST" && $0.path.hasSuffix("/comments") && $0.status == 403 })
        try await setup.server.expectNoViolations()
    }

    @Test func commentsCanBeTurnedOff() async throws {
        let setup = try PullRequestPublisherTests.Setup(flavor: .github)
        try await setup.server.setMergeAfterPolls(1)
        var publisher = setup.publisher()
        publisher.options.commentsBuildSummary = false
        _ = try await publisher.publish(setup.request)
        #expect(try await setup.server.report().comments.isEmpty)
        try await setup.server.expectNoViolations()
    }
}
