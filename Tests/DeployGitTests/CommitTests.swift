import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct CommitTests {
    @Test func commitTakesExactlyThePathsGivenIncludingDeletions() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote(
            "app", files: ["keep.txt": "k\n", "gone.txt": "g\n", "other.txt": "o\n", "staged.txt": "s\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        try box.fixture.write(["keep.txt": "changed\n", "new.txt": "n\n", "other.txt": "not mine\n", "stray.txt": "x\n"], in: work)
        try box.fixture.write(["staged.txt": "staged by someone\n"], in: work)
        try Shell.check(["git", "add", "staged.txt"], in: work)
        try FileManager.default.removeItem(at: work.appendingPathComponent("gone.txt"))

        let id = try repo.commit(paths: ["keep.txt", "new.txt", "gone.txt"], message: "exact", author: testAuthor)
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: work) == id.hex)
        let changed = try Shell.check(["git", "show", "--name-status", "--format=", "HEAD"], in: work)
        #expect(changed.split(separator: "\n").sorted() == ["A\tnew.txt", "D\tgone.txt", "M\tkeep.txt"])
        #expect(try Shell.check(["git", "log", "-1", "--format=%an <%ae>|%s"], in: work) == "Deploy Bot <bot@example.invalid>|exact")
        let status = try repo.status()
        #expect(status.unstaged == ["other.txt"])
        #expect(status.staged == ["staged.txt"])
        #expect(status.untracked == ["stray.txt"])
    }

    @Test func commitRefusesPathsOutsideTheTree() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let work = try box.fixture.clone(try box.fixture.makeRemote("app"), as: "app")
        let error = #expect(throws: GitError.self) {
            try GitRepository.open(at: work).commit(paths: ["../escape.txt"], message: "x", author: testAuthor)
        }
        #expect(error?.code == .unsafePath)
    }

    @Test func checkoutRefusesToOverwriteLocalChanges() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let work = try box.fixture.clone(try box.fixture.makeRemote("app", files: ["a.txt": "a\n"]), as: "app")
        let repo = try GitRepository.open(at: work)
        let base = try repo.resolve("HEAD")
        try repo.createBranch("topic", at: base)
        let duplicate = #expect(throws: GitError.self) { try repo.createBranch("topic", at: base) }
        #expect(duplicate?.code == .alreadyExists)
        try repo.checkout(branch: "topic")
        try box.fixture.commit(["a.txt": "topic\n"], in: work)
        try repo.checkout(branch: "main")
        #expect(try box.read("a.txt", in: work) == "a\n")
        try box.fixture.write(["a.txt": "uncommitted\n"], in: work)
        let error = #expect(throws: GitError.self) { try repo.checkout(branch: "topic") }
        #expect(error?.code == .conflict)
        #expect(try box.read("a.txt", in: work) == "uncommitted\n")
        #expect(try repo.head().branch == "main")
    }
}

@Suite struct CommitStagingTests {
    /// Paths already staged by an apply to work tree and index, ignored files and deletions are all committed; the
    /// index is left matching the new commit.
    @Test func commitTakesStagedIgnoredAndDeletedPathsAlike() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote(
            "app", files: ["a.txt": "a\n", "gone.txt": "bye\n", ".gitignore": "*.log\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        let diff = "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+a2\n"
        try repo.apply(diff: diff, to: .workTreeAndIndex)
        try Data("kept\n".utf8).write(to: work.appendingPathComponent("build.log"))
        try FileManager.default.removeItem(at: work.appendingPathComponent("gone.txt"))

        let commit = try repo.commit(paths: ["a.txt", "build.log", "gone.txt"], message: "m\n", author: testAuthor)

        #expect(try Shell.check(["git", "show", "--format=", "--name-status", commit.hex], in: work)
            == "M\ta.txt\nA\tbuild.log\nD\tgone.txt")
        #expect(try Shell.check(["git", "show", "\(commit.hex):a.txt"], in: work) == "a2")
        #expect(try Shell.check(["git", "status", "--porcelain", "--ignored"], in: work) == "")
    }
}
