import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct TrailerTests {
    /// Commits with the git CLI, one second after the previous commit (the walk is by commit time); `message` may
    /// carry trailers.
    @discardableResult
    func commit(_ box: Sandbox, in work: URL, _ file: String, message: String) throws -> ObjectID {
        try Data(UUID().uuidString.utf8).write(to: work.appendingPathComponent(file))
        try Shell.check(["git", "add", "-A"], in: work)
        let previous = Int(try Shell.check(["git", "log", "-1", "--format=%ct"], in: work)) ?? 0
        let date = "@\(max(previous + 1, Int(Date().timeIntervalSince1970))) +0000"
        try Shell.check(
            ["git", "commit", "--quiet", "-m", message], in: work,
            environment: ["GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date])
        return try #require(try box.revParse("HEAD", in: work))
    }

    @Test func findsTrailerValuesInTheRecentHistoryOfSeveralBranches() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let first = try commit(box, in: work, "a", message: "Fix a\n\nBody.\n\nFeedback-Id: fb-1\n")
        // In the body, not in the trailer block: not a trailer.
        try commit(box, in: work, "b", message: "Fix b\n\nFeedback-Id: fb-body\n\nMore text after it.\n")
        let third = try commit(box, in: work, "c", message: "Fix c\n\nfeedback-id: fb-3\nSigned-off-by: x <x@y>\n")
        try Shell.check(["git", "push", "--quiet", "origin", "main"], in: work)
        // A commit only on the remote-tracking branch's side: fetched, not merged.
        try box.fixture.pushCommit(to: remote, files: ["d": "d\n"], message: "Fix d\n\nFeedback-Id: fb-4")
        try Shell.check(["git", "fetch", "--quiet"], in: work)
        let repo = try GitRepository.open(at: work)

        let local = try repo.trailerValues("Feedback-Id", in: ["main"], limit: 100)
        #expect(local == ["fb-1": first, "fb-3": third])
        let both = try repo.trailerValues("Feedback-Id", in: ["main", "origin/main", "no-such-branch"], limit: 100)
        #expect(Set(both.keys) == ["fb-1", "fb-3", "fb-4"])
        #expect(try repo.commit(withTrailer: "feedback-ID", value: "fb-4", in: ["origin/main"], limit: 10) != nil)
        #expect(try repo.commit(withTrailer: "Feedback-Id", value: "fb-2", in: ["main"], limit: 10) == nil)
        #expect(try repo.trailerValues("Feedback-Id", in: ["no-such-branch"], limit: 10).isEmpty)
        #expect(throws: GitError.self) { try repo.trailerValues("Feedback-Id", in: ["main"], limit: 0) }
    }

    @Test func theWalkIsBoundedByTheLimit() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        for index in 1...5 {
            try commit(box, in: work, "f\(index)", message: "Change \(index)\n\nFeedback-Id: fb-\(index)\n")
        }
        let repo = try GitRepository.open(at: work)
        #expect(Set(try repo.trailerValues("Feedback-Id", in: ["main"], limit: 2).keys) == ["fb-5", "fb-4"])
        #expect(try repo.trailerValues("Feedback-Id", in: ["main"], limit: 1000).count == 5)
    }

    @Test func aShallowCloneIsWalkedUpToItsBoundary() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let seed = try box.fixture.clone(remote, as: "seed")
        for index in 1...4 {
            try commit(box, in: seed, "f\(index)", message: "Change \(index)\n\nFeedback-Id: fb-\(index)\n")
        }
        try Shell.check(["git", "push", "--quiet", "origin", "main"], in: seed)
        let shallow = box.url("shallow")
        try Shell.check(["git", "clone", "--quiet", "--depth", "2", "file://\(remote.path)", shallow.path])
        let repo = try GitRepository.open(at: shallow)
        #expect(Set(try repo.trailerValues("Feedback-Id", in: ["main"], limit: 100).keys) == ["fb-4", "fb-3"])
    }
}
