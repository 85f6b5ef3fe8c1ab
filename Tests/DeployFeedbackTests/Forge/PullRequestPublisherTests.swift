import DeployGit
import DeployHTTP
import DeployHTTPTestSupport
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// The pull-request publisher with a real bare remote (pushed with libgit2) and the contract server, which merges by
/// fast-forwarding the bare repository's base branch; GitHub and Gitea alike.
@Suite("Publishing through a pull request")
struct PullRequestPublisherTests {
    /// A bare remote `app.git`, a clone with a feedback-like commit off `main`, and a forge server serving it.
    struct Setup {
        let folder: TemporaryFolder
        let remote: URL
        let checkout: URL
        let server: ForgeContractServer
        let request: FeedbackPublishRequest
        let repository: ForgeRepository

        init(flavor: ForgeContractServer.Flavor, id: String = "fb-1") throws {
            folder = try TemporaryFolder()
            let fixture = GitFixture(scratch: folder.scratch)
            remote = try fixture.makeRemote("app")
            checkout = try fixture.clone(remote, as: "checkout")
            let parent = try Shell.check(["git", "rev-parse", "HEAD"], in: checkout)
            try Shell.check(["git", "checkout", "--quiet", "-b", "work"], in: checkout)
            let commit = try fixture.commit(["README.md": "hello, reviewed\n"], in: checkout, message: "Fix the README")
            try Shell.check(["git", "checkout", "--quiet", "main"], in: checkout)
            server = try ForgeContractServer(flavor: flavor, gitRoot: folder.scratch.url)
            let git = try GitRepository.open(at: checkout)
            request = FeedbackPublishRequest(
                repository: FeedbackRepository(name: "app", directory: checkout), git: git,
                commit: try #require(ObjectID(hex: commit)), parent: try #require(ObjectID(hex: parent)),
                branch: "main",
                feedbackID: id, title: "Fix the README")
            repository = try ForgeRepository.parse(remoteURL: remote.path)
        }

        func publisher(timeout: Duration = .seconds(60), waits: RecordedWaits = RecordedWaits()) -> PullRequestPublisher
        {
            PullRequestPublisher(
                forge: server.forge(waits: waits),
                options: .init(
                    pollInterval: .milliseconds(20), timeout: timeout, gitTimeout: .seconds(30), sleep: waits.sleep))
        }

        func remoteRef(_ name: String) throws -> String {
            try Shell.check(["git", "--git-dir", remote.path, "rev-parse", name])
        }
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aPullRequestMergedAfterSomePollsIsAPublicationAndTheBranchIsFetched(flavor: ForgeContractServer.Flavor)
        async throws
    {
        let setup = try Setup(flavor: flavor)
        try await setup.server.setMergeAfterPolls(3)
        let waits = RecordedWaits()
        let publication = try await setup.publisher(waits: waits).publish(setup.request)

        #expect(publication.kind == .pullRequest)
        #expect(publication.ref == "refs/heads/deployctl/fb-1")
        #expect(publication.url?.hasSuffix("/1") == true)
        #expect(publication.remote == setup.remote.path)
        #expect(try setup.remoteRef("deployctl/fb-1") == setup.request.commit.hex, "the head branch was pushed")
        #expect(try setup.remoteRef("main") == setup.request.commit.hex, "the forge merged it")
        #expect(
            try Shell.check(["git", "rev-parse", "refs/remotes/origin/main"], in: setup.checkout)
                == setup.request.commit.hex,
            "fetched after the merge so the processor can fast-forward")
        let report = try await setup.server.report()
        let pull = try #require(report.pulls.first)
        #expect(report.pulls.count == 1)
        #expect(pull.polls == 3)
        #expect(pull.head == "deployctl/fb-1" && pull.base == "main")
        #expect(pull.title == "Fix the README")
        #expect(pull.body.contains("Feedback-Id: `fb-1`"))
        #expect(pull.body.contains(setup.request.commit.hex))
        #expect(waits.all == [.milliseconds(20), .milliseconds(20)], "two waits between three polls")
        try await setup.server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aPullRequestClosedUnmergedRejectsTheFeedback(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try Setup(flavor: flavor)
        try await setup.server.setCloseAfterPolls(2)
        do {
            _ = try await setup.publisher().publish(setup.request)
            Issue.record("published")
        } catch {
            #expect(error.code == .pullRequestClosed)
            #expect(error.isRejection)
            #expect(error.message.contains("#1"))
        }
        #expect(try setup.remoteRef("main") == setup.request.parent.hex, "nothing merged")
        try await setup.server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func anExistingPullRequestForTheBranchIsReusedNotOpenedAgain(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try Setup(flavor: flavor)
        try await setup.server.setMergeAfterPolls(1)
        try await setup.server.seed(owner: setup.repository.owner, repo: "app", head: "deployctl/fb-1")
        let publication = try await setup.publisher().publish(setup.request)
        #expect(publication.url?.hasSuffix("/1") == true)
        let report = try await setup.server.report()
        #expect(report.pulls.count == 1)
        #expect(
            !report.requests.contains { $0.method == "POST" && $0.path.hasSuffix("/pulls") }, "no second pull request")
        try await setup.server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aTimeoutRejectsAndARetryFindsTheSamePullRequest(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try Setup(flavor: flavor)
        for _ in 0..<2 {
            do {
                _ = try await setup.publisher(timeout: .milliseconds(1)).publish(setup.request)
                Issue.record("published")
            } catch {
                #expect(error.code == .pullRequestTimedOut)
                #expect(error.isRejection)
            }
        }
        let report = try await setup.server.report()
        #expect(report.pulls.count == 1, "the retry found the open pull request")
        #expect(report.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/pulls") }.count == 1)
        try await setup.server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aRepublishedCommitForceUpdatesTheBranchUnderItsLease(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try Setup(flavor: flavor)
        _ = try? await setup.publisher(timeout: .milliseconds(1)).publish(setup.request)
        // The branch moved on (a new commit for the same feedback after the base changed): the same branch is reused.
        let fixture = GitFixture(scratch: setup.folder.scratch)
        try Shell.check(["git", "checkout", "--quiet", "-B", "work2", "main"], in: setup.checkout)
        let second = try fixture.commit(
            ["README.md": "hello, reviewed again\n"], in: setup.checkout, message: "Fix the README")
        try Shell.check(["git", "checkout", "--quiet", "main"], in: setup.checkout)
        var request = setup.request
        request.commit = try #require(ObjectID(hex: second))
        try await setup.server.setMergeAfterPolls(1)
        _ = try? await setup.publisher(timeout: .milliseconds(1)).publish(request)
        #expect(try setup.remoteRef("deployctl/fb-1") == second, "force-with-lease replaced the old head")
        #expect(try await setup.server.report().pulls.count == 1)
        try await setup.server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aServerErrorOnCreateLooksAgainAndOpensOnce(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try Setup(flavor: flavor)
        try await setup.server.setMergeAfterPolls(1)
        try await setup.server.inject([
            .init(
                "POST", "/repos/\(setup.repository.owner)/app/pulls", status: 502, json: #"{"message":"bad gateway"}"#)
        ])
        let publication = try await setup.publisher().publish(setup.request)
        #expect(publication.kind == .pullRequest)
        let report = try await setup.server.report()
        #expect(report.pulls.count == 1)
        #expect(
            report.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/pulls") }.map(\.status) == [502, 201])
        try await setup.server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aRateLimitedPollDelaysTheNextPoll(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try Setup(flavor: flavor)
        try await setup.server.setMergeAfterPolls(1)
        try await setup.server.inject([
            .init(
                "GET", "/repos/\(setup.repository.owner)/app/pulls/1", status: 429, headers: ["Retry-After": "7200"],
                json: #"{"message":"slow down"}"#)
        ])
        let waits = RecordedWaits()
        _ = try await setup.publisher(timeout: .seconds(86_400), waits: waits).publish(setup.request)
        #expect(waits.all == [.seconds(7200)], "the publisher waited the forge's Retry-After, not its poll interval")
        try await setup.server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func statusesAndCommentsReachTheForge(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try Setup(flavor: flavor)
        try await setup.server.seed(owner: setup.repository.owner, repo: "app", head: "deployctl/fb-1")
        let publisher = setup.publisher()
        for state in CommitStatus.State.allCases {
            try await publisher.postStatus(
                commit: setup.request.commit.hex, state: state, description: "build \(state.rawValue)",
                in: setup.repository)
        }
        try await publisher.postComment("Build summary: 12 tests passed", pullRequest: 1, in: setup.repository)
        let report = try await setup.server.report()
        #expect(report.requests.filter { $0.path.contains("/statuses/") }.count == 4)
        #expect(report.comments.map(\.body) == ["Build summary: 12 tests passed"])
        try await setup.server.expectNoViolations()
    }
}

extension PullRequestPublisherTests {
    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func theWaitCountsFromWhenThePullRequestWasOpened(flavor: ForgeContractServer.Flavor) async throws {
        let setup = try Setup(flavor: flavor)
        // Opened two days ago (an earlier run), never merged: a one-day timeout has already passed.
        try await setup.server.setCreatedAt("2026-01-01T00:00:00Z")
        try await setup.server.seed(owner: setup.repository.owner, repo: "app", head: "deployctl/fb-1")
        let waits = RecordedWaits()
        do {
            _ = try await setup.publisher(timeout: .seconds(86_400), waits: waits).publish(setup.request)
            Issue.record("published")
        } catch {
            #expect(error.code == .pullRequestTimedOut)
        }
        #expect(waits.all.isEmpty, "no wait for a deadline already gone")
        try await setup.server.expectNoViolations()
    }

    @Test func cancellingTheWaitDefersTheFeedbackInsteadOfRejectingIt() async throws {
        let setup = try Setup(flavor: .github)
        let publisher = PullRequestPublisher(
            forge: setup.server.forge(), options: .init(pollInterval: .seconds(3600), timeout: .seconds(86_400)))
        let request = setup.request
        let task = Task { () async throws(FeedbackError) -> FeedbackPublication in try await publisher.publish(request)
        }
        while try await setup.server.report().pulls.first?.polls ?? 0 < 1 {
            try await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        let result = await task.result
        guard case .failure(let failure) = result else {
            Issue.record("published")
            return
        }
        let error = try #require(failure as? FeedbackError)
        #expect(error.code == .publish)
        #expect(!error.isRejection)
        try await setup.server.expectNoViolations()
    }
}
