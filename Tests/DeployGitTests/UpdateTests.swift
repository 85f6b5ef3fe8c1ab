import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct UpdateTests {
    @Test func cloneThenUpdateFastForwardsAndThenIsUpToDate() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let repo = try await GitRepository.clone(from: remote.path, to: box.url("app"), branch: "main")
        let before = try repo.head().commit
        let pushed = try box.fixture.pushCommit(to: remote, files: ["new.txt": "new\n"])
        let outcome = try await repo.update()
        #expect(outcome == .fastForwarded(from: before, to: try #require(ObjectID(hex: pushed))))
        #expect(try box.read("new.txt", in: box.url("app")) == "new\n")
        #expect(try Shell.check(["git", "status", "--porcelain"], in: box.url("app")).isEmpty)
        #expect(try await repo.update() == .upToDate(try #require(ObjectID(hex: pushed))))
    }

    @Test func fetchPrunesDeletedRemoteBranches() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        try Shell.check(["git", "branch", "topic", "main"], in: remote)
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        _ = try repo.resolve("origin/topic")
        try Shell.check(["git", "branch", "-D", "topic"], in: remote)
        try await repo.fetch()
        #expect(throws: GitError.self) { try repo.resolve("origin/topic") }
    }

    @Test func divergedBranchIsBlockedAndUntouched() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        try box.fixture.pushCommit(to: remote, files: ["theirs.txt": "t\n"])
        let local = try box.fixture.commit(["mine.txt": "m\n"], in: work)
        let repo = try GitRepository.open(at: work)
        let outcome = try await repo.update()
        #expect(outcome == .blocked(.diverged(ahead: 1, behind: 1)))
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: work) == local)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("theirs.txt").path))
    }

    @Test func dirtyTreeIsBlockedWithFilesListedAndNothingTouched() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app", files: ["a.txt": "a\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let before = try Shell.check(["git", "rev-parse", "HEAD"], in: work)
        try box.fixture.pushCommit(to: remote, files: ["a.txt": "upstream\n"])
        try box.fixture.write(["a.txt": "local edit\n", "notes.txt": "untracked\n"], in: work)
        let repo = try GitRepository.open(at: work)
        let outcome = try await repo.update()
        guard case .blocked(.dirty(let status)) = outcome else {
            Issue.record("expected dirty block, got \(outcome)")
            return
        }
        #expect(status.unstaged == ["a.txt"])
        #expect(status.untracked == ["notes.txt"])
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: work) == before)
        #expect(try box.read("a.txt", in: work) == "local edit\n")
        #expect(try box.read("notes.txt", in: work) == "untracked\n")
    }

    @Test func untrackedFileInTheWayBlocksInsteadOfBeingOverwritten() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let before = try Shell.check(["git", "rev-parse", "HEAD"], in: work)
        try box.fixture.pushCommit(to: remote, files: ["config.json": "upstream\n"])
        try box.fixture.write(["config.json": "mine\n"], in: work)
        let outcome = try await GitRepository.open(at: work).update()
        guard case .blocked(.dirty(let status)) = outcome else {
            Issue.record("expected dirty block, got \(outcome)")
            return
        }
        #expect(status.untracked == ["config.json"])
        #expect(try box.read("config.json", in: work) == "mine\n")
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: work) == before)
    }

    @Test func untrackedFilesOutOfTheWayDoNotBlock() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        try box.fixture.pushCommit(to: remote, files: ["b.txt": "b\n"])
        try box.fixture.write(["scratch.txt": "keep\n"], in: work)
        let outcome = try await GitRepository.open(at: work).update()
        guard case .fastForwarded = outcome else {
            Issue.record("expected fast-forward, got \(outcome)")
            return
        }
        #expect(try box.read("scratch.txt", in: work) == "keep\n")
    }

    @Test func branchWithoutUpstreamIsReported() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        try Shell.check(["git", "checkout", "--quiet", "-b", "local-only"], in: work)
        #expect(try GitRepository.open(at: work).fastForward() == .blocked(.noUpstream))
    }

    @Test func shallowCloneHasOneCommitAndUpdates() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        try box.fixture.pushCommit(to: remote, files: ["2.txt": "2\n"])
        try box.fixture.pushCommit(to: remote, files: ["3.txt": "3\n"])
        let repo = try await GitRepository.clone(from: remote.path, to: box.url("shallow"), depth: 1)
        #expect(try Shell.check(["git", "rev-list", "--count", "HEAD"], in: box.url("shallow")) == "1")
        #expect(try Shell.check(["git", "rev-parse", "--is-shallow-repository"], in: box.url("shallow")) == "true")
        let pushed = try box.fixture.pushCommit(to: remote, files: ["4.txt": "4\n"])
        let outcome = try await repo.update()
        #expect(outcome.commit?.hex == pushed)
        #expect(try box.read("4.txt", in: box.url("shallow")) == "4\n")
    }

    @Test func severalRepositoriesFetchConcurrently() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        var repos: [GitRepository] = []
        var remotes: [URL] = []
        for index in 0..<6 {
            let remote = try box.fixture.makeRemote("r\(index)")
            remotes.append(remote)
            repos.append(try GitRepository.open(at: try box.fixture.clone(remote, as: "r\(index)")))
        }
        var expected: [String] = []
        for remote in remotes { expected.append(try box.fixture.pushCommit(to: remote, files: ["x.txt": "\(remote)\n"])) }
        let outcomes = try await withThrowingTaskGroup(of: (Int, UpdateOutcome).self) { group in
            for (index, repo) in repos.enumerated() {
                group.addTask { (index, try await repo.update()) }
                // The same repository twice at once: serialised by its lock, never corrupting it.
                group.addTask { (index, try await repo.update()) }
            }
            var results: [Int: [UpdateOutcome]] = [:]
            for try await (index, outcome) in group { results[index, default: []].append(outcome) }
            return results
        }
        for (index, remote) in remotes.enumerated() {
            let results = try #require(outcomes[index])
            #expect(results.allSatisfy { $0.commit?.hex == expected[index] })
            #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: box.url("r\(index)")) == expected[index], "\(remote)")
            #expect(try Shell.check(["git", "fsck", "--no-progress"], in: box.url("r\(index)")).isEmpty)
        }
    }
}
