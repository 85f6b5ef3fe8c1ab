import DeployGit
import DeployTestSupport
import Foundation
import Testing

/// Remotes are read from the configuration by DeployGit itself (libgit2 1.5.1's own lookup leaks), so what git's
/// configuration means must still hold: `insteadOf`, `pushInsteadOf`, `pushurl`, several fetch refspecs, upstreams.
@Suite struct RemoteConfigurationTests {
    @Test func insteadOfRewritesTheFetchURL() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        try Shell.check(["git", "remote", "set-url", "origin", "mirror:app.git"], in: work)
        try Shell.check(["git", "config", "url.\(box.scratch.path)/.insteadOf", "mirror:"], in: work)
        // A shorter rule that also matches loses to the longest one, as in git.
        try Shell.check(["git", "config", "url./nonexistent/.insteadOf", "mir"], in: work)
        let theirs = try box.fixture.pushCommit(to: remote, files: ["b.txt": "b\n"])
        let repo = try GitRepository.open(at: work)

        try await repo.fetch()

        #expect(try repo.remoteURL() == "\(box.scratch.path)/app.git")
        #expect(try box.revParse("origin/main", in: work)?.hex == theirs)
    }

    @Test func pushesGoToPushInsteadOfAndPushURL() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let fetchRemote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(fetchRemote, as: "app")
        try Shell.check(["git", "clone", "--quiet", "--bare", fetchRemote.path, box.url("push.git").path])
        try Shell.check(["git", "clone", "--quiet", "--bare", fetchRemote.path, box.url("pushurl.git").path])
        try Shell.check(["git", "config", "url.\(box.url("push.git").path).pushInsteadOf", fetchRemote.path], in: work)
        let repo = try GitRepository.open(at: work)

        let first = try box.fixture.commit(["a.txt": "a\n"], in: work)
        try await repo.push(branch: "main")
        #expect(try Shell.check(["git", "rev-parse", "main"], in: box.url("push.git")) == first)
        #expect(try Shell.check(["git", "rev-parse", "main"], in: fetchRemote) != first)
        #expect(try box.revParse("origin/main", in: work)?.hex == first, "the push updates the tracking ref")

        // An explicit pushurl wins over pushInsteadOf.
        try Shell.check(["git", "config", "remote.origin.pushurl", box.url("pushurl.git").path], in: work)
        let second = try box.fixture.commit(["b.txt": "b\n"], in: work)
        try await repo.push(branch: "main")
        #expect(try Shell.check(["git", "rev-parse", "main"], in: box.url("pushurl.git")) == second)
    }

    @Test func everyFetchRefspecIsFetched() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        try box.fixture.pushCommit(to: remote, files: ["n.txt": "n\n"], branch: "main")
        try Shell.check(["git", "branch", "notes", "main"], in: remote)
        try Shell.check(["git", "config", "--add", "remote.origin.fetch", "+refs/heads/notes:refs/extra/notes"], in: work)

        try await GitRepository.open(at: work).fetch()

        #expect(try box.revParse("refs/extra/notes", in: work) == box.revParse("main", in: remote))
        #expect(try box.revParse("origin/notes", in: work) != nil)
    }

    @Test func upstreamsFollowTheBranchConfiguration() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        try Shell.check(["git", "branch", "--track", "local-tracking", "main"], in: work)
        try Shell.check(["git", "branch", "untracked"], in: work)
        let repo = try GitRepository.open(at: work)

        #expect(try repo.upstream() == "origin/main")
        #expect(try repo.upstream(of: "local-tracking") == "refs/heads/main")
        #expect(try repo.upstream(of: "untracked") == nil)
        #expect(try repo.remoteURL(name: "nothing") == nil)
        let missing = await #expect(throws: GitError.self) { try await repo.fetch(remote: "nothing") }
        #expect(missing?.code == .notFound)
    }
}
