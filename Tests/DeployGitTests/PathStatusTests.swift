import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct PathStatusTests {
    @Test func theStatusOfSomePathsAgreesWithTheFullStatusForThosePaths() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote(
            "app", files: ["a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n", "dir/d.txt": "d\n"])
        let work = try box.fixture.clone(remote, as: "app")
        try Data("a2\n".utf8).write(to: work.appendingPathComponent("a.txt"))  // modified
        try Data("b2\n".utf8).write(to: work.appendingPathComponent("b.txt"))
        try Shell.check(["git", "add", "b.txt"], in: work)  // staged
        try Data("new\n".utf8).write(to: work.appendingPathComponent("dir/new.txt"))  // untracked
        try FileManager.default.removeItem(at: work.appendingPathComponent("c.txt"))  // deleted
        let repo = try GitRepository.open(at: work)

        let some = try repo.status(of: ["a.txt", "b.txt", "dir/new.txt", "dir/d.txt", "c.txt", "nowhere.txt"])
        #expect(some.unstaged.sorted() == ["a.txt", "c.txt"])
        #expect(some.staged == ["b.txt"])
        #expect(some.untracked == ["dir/new.txt"])
        #expect(some.conflicted.isEmpty)
        let full = try repo.status()
        #expect(Set(full.unstaged) == Set(some.unstaged) && Set(full.staged) == Set(some.staged))
        #expect(try repo.status(of: ["dir/d.txt", "nowhere.txt"]).isClean)
        #expect(throws: GitError.self) { try repo.status(of: ["../outside.txt"]) }
    }

    @Test func aChangeKeepingTheSizeIsSeenAndATouchedFileIsClean() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app", files: ["a.txt": "aaaa\n", "b.txt": "bbbb\n", "c.txt": "cccc\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        #expect(try repo.status(of: ["a.txt", "b.txt", "c.txt"]).isClean)

        // Same size, new content: the stat data differs from the index entry's.
        try Data("AAAA\n".utf8).write(to: work.appendingPathComponent("a.txt"))
        // Same content, new modification time: clean once the content is compared.
        let touched = work.appendingPathComponent("b.txt")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: touched.path)
        // Staged and written back exactly: the index and the work tree agree, HEAD does not.
        try Data("CCCC\n".utf8).write(to: work.appendingPathComponent("c.txt"))
        try Shell.check(["git", "add", "c.txt"], in: work)

        let status = try repo.status(of: ["a.txt", "b.txt", "c.txt"])
        #expect(status.unstaged == ["a.txt"])
        #expect(status.staged == ["c.txt"])
        #expect(status.untracked.isEmpty)
    }
}
