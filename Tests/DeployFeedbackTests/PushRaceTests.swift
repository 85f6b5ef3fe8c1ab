import DeployGit
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Direct pushes racing other pushers on a real bare remote.
@Suite("Push races")
struct PushRaceTests {
    /// A direct push that lets a second clone of the remote push first, the first `times` times it is asked: a
    /// real push from a real clone at the one moment a race can happen.
    struct OvertakenPublisher: FeedbackPublisher {
        let inner: DirectPushPublisher
        let rival: URL
        let times: Int
        let counter = Counter()

        var raceRetries: Int { inner.raceRetries }

        func publish(_ request: FeedbackPublishRequest) async throws(FeedbackError) -> FeedbackPublication {
            let round = counter.next()
            if round <= times {
                do {
                    try Data("rival \(round)\n".utf8).write(to: rival.appendingPathComponent("rival.txt"))
                    try Shell.check(["git", "add", "-A"], in: rival)
                    try Shell.check(["git", "commit", "--quiet", "-m", "rival \(round)"], in: rival)
                    try Shell.check(["git", "push", "--quiet", "origin", "main"], in: rival)
                } catch {
                    throw FeedbackError(.io, "the rival clone could not push: \(error)")
                }
            }
            return try await inner.publish(request)
        }

        func catchUp(_ repository: FeedbackRepository, git: GitRepository) async throws(FeedbackError) {
            try await inner.catchUp(repository, git: git)
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    func processor(_ root: DeployRoot, publisher: any FeedbackPublisher, checkout: URL? = nil, feedback: URL? = nil)
        -> FeedbackProcessor
    {
        var options = FeedbackProcessor.Options(verify: false)
        options.worktreeDirectory = root.folder.url.appendingPathComponent("worktrees")
        let repositories = checkout.map { [FeedbackRepository(name: "app", directory: $0)] } ?? root.repositories
        return FeedbackProcessor(
            feedbackDirectory: feedback ?? root.feedback, commandsDirectory: root.commands,
            repositories: repositories, options: options, publisher: publisher,
            author: Signature(name: "deployctl test", email: "deployctl@example.invalid"))
    }

    @Test(arguments: [1, 3])
    func overtakenPushesAreReappliedOnTheNewTip(times: Int) async throws {
        let root = try ApplyTests.makeRoot()
        let rival = try root.fixture.clone(root.remotes["app"]!, as: "rival")
        try root.drop(
            "fb.json", ["version": 1, "id": "fb-1", "repo": "app", "patch": try ApplyTests.diff(root, ["README.md": "hi\n"])])
        let publisher = OvertakenPublisher(inner: DirectPushPublisher(), rival: rival, times: times)

        let outcomes = try await processor(root, publisher: publisher).run()

        guard case .applied(let record, _) = try #require(outcomes.first) else {
            Issue.record("not applied: \(outcomes)")
            return
        }
        let remote = root.remotes["app"]!.path
        #expect(record.parent == (try Shell.check(["git", "rev-parse", "HEAD"], in: rival)))
        #expect(try Shell.check(["git", "--git-dir", remote, "rev-parse", "main"]) == record.commit)
        #expect(try Shell.check(["git", "--git-dir", remote, "rev-list", "--count", "main"]) == "\(times + 2)")
        #expect(try root.git(["rev-parse", "HEAD"]) == record.commit)
        #expect(try root.git(["status", "--porcelain"]) == "")
        #expect(try root.git(["branch", "--list", DirectPushPublisher.stagingBranch]) == "")
        #expect(try root.trailers() == ["fb-1"])
    }

    @Test func aBranchThatKeepsMovingRejectsTheFileAfterTheRetries() async throws {
        let root = try ApplyTests.makeRoot()
        let rival = try root.fixture.clone(root.remotes["app"]!, as: "rival")
        try root.drop(
            "fb.json", ["version": 1, "id": "fb-1", "repo": "app", "patch": try ApplyTests.diff(root, ["README.md": "hi\n"])])
        let publisher = OvertakenPublisher(inner: DirectPushPublisher(raceRetries: 2), rival: rival, times: 10)

        let outcomes = try await processor(root, publisher: publisher).run()

        guard case .rejected(let record, _) = try #require(outcomes.first) else {
            Issue.record("not rejected: \(outcomes)")
            return
        }
        #expect(record.code == .publishRejected)
        #expect(record.stage == .publish)
        #expect(record.message.contains("3 time(s)"), "\(record.message)")
        #expect(publisher.counter.next() == 4, "one push and two retries")
        #expect(try root.trailers().isEmpty)
        #expect(try root.git(["status", "--porcelain"]) == "")
        #expect(try root.names(in: "rejected").contains("fb.json"))
    }

    /// Two dispatchers (two clones of one remote, each with its own `feedback/`) publish at the same time; every
    /// feedback ends up on the remote exactly once.
    ///
    /// Through the smart-HTTP server, as a real remote: its receive-pack updates a ref only from the value the pusher
    /// saw. libgit2's local (path) transport writes the ref unconditionally, so two pushes racing in one process
    /// through it can overwrite each other — no real deployment pushes two dispatchers to one path remote.
    @Test func twoClonesRacingOnOneRemoteBothLand() async throws {
        let root = try ApplyTests.makeRoot()
        let second = try root.fixture.clone(root.remotes["app"]!, as: "second")
        let server = try GitHTTPServer(
            root: root.remotes["app"]!.deletingLastPathComponent(), token: TestSecrets.gitToken)
        defer { server.stop() }
        for checkout in [root.repositories[0].directory, second] {
            try Shell.check(["git", "remote", "set-url", "origin", server.url("app.git")], in: checkout)
        }
        let secondFeedback = root.folder.url.appendingPathComponent("second-feedback")
        try FileManager.default.createDirectory(at: secondFeedback, withIntermediateDirectories: true)
        for index in 1...4 {
            let first = try ApplyTests.diff(root, ["one-\(index).txt": "\(index)\n"])
            let other = try ApplyTests.diff(root, ["two-\(index).txt": "\(index)\n"])
            try root.drop("\(index).json", ["version": 1, "id": "one-\(index)", "repo": "app", "patch": first])
            let data = try JSONSerialization.data(
                withJSONObject: ["version": 1, "id": "two-\(index)", "repo": "app", "patch": other])
            try data.write(to: secondFeedback.appendingPathComponent("\(index).json"))
        }
        let publisher = DirectPushPublisher(credentials: GitCredentials(token: TestSecrets.gitToken), raceRetries: 20)
        let first = processor(root, publisher: publisher)
        let other = processor(root, publisher: publisher, checkout: second, feedback: secondFeedback)
        async let one = first.run()
        async let two = other.run()
        let outcomes = try await one + two

        #expect(outcomes.allSatisfy { if case .applied = $0 { true } else { false } }, "\(outcomes)")
        let trailers = try Shell.check(
            [
                "git", "--git-dir", root.remotes["app"]!.path, "log", "--format=%(trailers:key=Feedback-Id,valueonly)",
                "main",
            ]
        ).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        #expect(trailers.sorted() == (1...4).flatMap { ["one-\($0)", "two-\($0)"] }.sorted())
    }
}
