import DeployGit
import DeployTestSupport
import Foundation
import Testing

/// Updating a repository whose work tree also holds a program's own files (a deploy root inside its repository):
/// changes under the paths given as `ignoring` never block the fast-forward, and the checkout still never
/// overwrites them.
@Suite struct OwnedPathsUpdateTests {
    @Test func changesUnderIgnoredPrefixesDoNotBlockAFastForward() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote(
            "root", files: ["deploy/logs/build.log": "seed log\n", "docs/a.md": "a\n"])
        let work = try box.fixture.clone(remote, as: "root")
        // A tracked file replaced by a symlink, a deleted tracked file and untracked state: all the program's own.
        try FileManager.default.removeItem(at: work.appendingPathComponent("deploy/logs/build.log"))
        try FileManager.default.createSymbolicLink(
            atPath: work.appendingPathComponent("deploy/logs/build.log").path, withDestinationPath: "build-1.log")
        try box.fixture.write(["deploy/logs/build-1.log": "cycle\n", "deploy/state.sqlite-wal": "x"], in: work)
        let pushed = try box.fixture.pushCommit(to: remote, files: ["docs/a.md": "upstream\n"])
        let repo = try GitRepository.open(at: work)

        guard case .blocked(.dirty(let status)) = try await repo.update() else {
            Issue.record("without the prefixes, the symlink over a tracked file blocks the update")
            return
        }
        #expect(status.unstaged == ["deploy/logs/build.log"])
        let outcome = try await repo.update(ignoring: ["deploy/logs/", "deploy/state.sqlite"])
        #expect(outcome.commit == ObjectID(hex: pushed))
        #expect(try box.read("docs/a.md", in: work) == "upstream\n")
        #expect(
            try FileManager.default.destinationOfSymbolicLink(
                atPath: work.appendingPathComponent("deploy/logs/build.log").path) == "build-1.log",
            "the program's own file is left as it was")
    }

    @Test func anUpdateThatWouldOverwriteAnIgnoredChangeIsStillBlockedAndListsIt() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("root", files: ["deploy/logs/build.log": "seed log\n"])
        let work = try box.fixture.clone(remote, as: "root")
        try box.fixture.write(["deploy/logs/build.log": "local\n"], in: work)
        let before = try Shell.check(["git", "rev-parse", "HEAD"], in: work)
        try box.fixture.pushCommit(to: remote, files: ["deploy/logs/build.log": "upstream\n"])
        let repo = try GitRepository.open(at: work)
        let outcome = try await repo.update(ignoring: ["deploy/logs/"])
        guard case .blocked(.dirty(let status)) = outcome else {
            Issue.record("expected a block, got \(outcome)")
            return
        }
        #expect(status.unstaged == ["deploy/logs/build.log"])
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: work) == before)
        #expect(try box.read("deploy/logs/build.log", in: work) == "local\n")
    }

    @Test func aBranchFastForwardsToACommitNoRemoteHolds() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let work = box.url("local")
        try Shell.check(["git", "init", "--quiet", "--initial-branch=main", work.path])
        let first = try box.fixture.commit(["a.txt": "a\n"], in: work)
        try Shell.check(["git", "checkout", "--quiet", "-b", "side"], in: work)
        let second = try box.fixture.commit(["a.txt": "b\n"], in: work)
        try Shell.check(["git", "checkout", "--quiet", "main"], in: work)
        let repo = try GitRepository.open(at: work)
        let target = try #require(ObjectID(hex: second))
        #expect(try repo.fastForward(branch: "main", toCommit: target) == .fastForwarded(from: ObjectID(hex: first), to: target))
        #expect(try box.read("a.txt", in: work) == "b\n")
        #expect(try repo.fastForward(branch: "main", toCommit: target) == .upToDate(target), "a second time changes nothing")
    }

    @Test func tracksTellsTrackedFilesFromUntrackedOnes() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("root", files: ["deploy/logs/build.log": "seed\n"])
        let work = try box.fixture.clone(remote, as: "root")
        try box.fixture.write(["deploy/logs/other.log": "x\n"], in: work)
        let repo = try GitRepository.open(at: work)
        #expect(try repo.tracks("deploy/logs/build.log"))
        #expect(try !repo.tracks("deploy/logs/other.log"))
        #expect(try !repo.tracks("deploy/logs"))
    }
}
