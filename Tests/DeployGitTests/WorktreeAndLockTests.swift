import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct WorktreeAndLockTests {
    @Test func worktreeIsPinnedToACommitAndRemovedCleanly() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let work = try box.fixture.clone(try box.fixture.makeRemote("app", files: ["a.txt": "v1\n"]), as: "app")
        let repo = try GitRepository.open(at: work)
        let pinned = try repo.resolve("HEAD")
        try box.fixture.commit(["a.txt": "v2\n"], in: work)

        let tree = try repo.addWorktree(at: box.url("wt-check"), commit: pinned, name: "check")
        let head = try tree.head()
        #expect(head.isDetached && head.commit == pinned)
        #expect(try box.read("a.txt", in: box.url("wt-check")) == "v1\n")
        #expect(try tree.status().isClean)
        #expect(try Shell.check(["git", "worktree", "list", "--porcelain"], in: work).contains(box.url("wt-check").path))
        // The main work tree and its branches are untouched; no helper branch is left behind.
        #expect(try box.read("a.txt", in: work) == "v2\n")
        #expect(try Shell.check(["git", "branch", "--list"], in: work) == "* main")
        // A patch applied in the worktree stays there.
        try box.fixture.write(["a.txt": "patched\n"], in: box.url("wt-check"))
        #expect(try repo.status().isClean)
        #expect(try repo.worktreeNames() == ["check"])

        try repo.removeWorktree(name: "check")
        #expect(!FileManager.default.fileExists(atPath: box.url("wt-check").path))
        #expect(try repo.worktreeNames().isEmpty)
        #expect(!(try Shell.check(["git", "worktree", "list", "--porcelain"], in: work).contains("wt-check")))

        _ = try repo.addWorktree(at: box.url("wt-again"), commit: pinned, name: "again")
        try repo.removeWorktree(at: box.url("wt-again"))
        #expect(try repo.worktreeNames().isEmpty)
        let missing = #expect(throws: GitError.self) { try repo.removeWorktree(at: box.url("wt-again")) }
        #expect(missing?.code == .notFound)
    }

    @Test func staleLocksAreRemovedAndFreshOnesKept() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let work = try box.fixture.clone(try box.fixture.makeRemote("app"), as: "app")
        let git = work.appendingPathComponent(".git")
        let old = Date().addingTimeInterval(-3600)
        for path in ["index.lock", "refs/heads/main.lock", "refs/remotes/origin/main.lock", "HEAD.lock"] {
            let url = git.appendingPathComponent(path)
            try Data().write(to: url)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: url.path)
        }
        try Data().write(to: git.appendingPathComponent("config.lock"))
        // What a fetch killed while receiving leaves: libgit2's temporary pack and index files.
        let packs = git.appendingPathComponent("objects/pack")
        try FileManager.default.createDirectory(at: packs, withIntermediateDirectories: true)
        for name in ["pack_git2_0ld0ld", "pack_git2_0ld0ldidx.lock"] {
            try Data("partial".utf8).write(to: packs.appendingPathComponent(name))
            try FileManager.default.setAttributes(
                [.modificationDate: old], ofItemAtPath: packs.appendingPathComponent(name).path)
        }
        try Data("receiving".utf8).write(to: packs.appendingPathComponent("pack_git2_fr35h1"))
        let repo = try GitRepository.open(at: work)
        // While index.lock exists, writing the index is refused as `.locked`.
        try box.fixture.write(["x.txt": "x\n"], in: work)
        let locked = #expect(throws: GitError.self) {
            try repo.commit(paths: ["x.txt"], message: "x", author: testAuthor)
        }
        #expect(locked?.code == .locked)

        let removed = try repo.removeStaleLocks(olderThan: 600)
        #expect(
            removed == [
                "HEAD.lock", "index.lock", "objects/pack/pack_git2_0ld0ld", "objects/pack/pack_git2_0ld0ldidx.lock",
                "refs/heads/main.lock", "refs/remotes/origin/main.lock",
            ])
        #expect(FileManager.default.fileExists(atPath: git.appendingPathComponent("config.lock").path))
        #expect(FileManager.default.fileExists(atPath: packs.appendingPathComponent("pack_git2_fr35h1").path))
        #expect(try repo.removeStaleLocks(olderThan: 600).isEmpty)
        _ = try repo.commit(paths: ["x.txt"], message: "x", author: testAuthor)
    }

    @Test func freshLocksOfAKilledOwnerAreRemovedButNotOnesStillOpenOrOlder() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let git = work.appendingPathComponent(".git")
        let killedStart = Date().addingTimeInterval(-30)
        // Left by the killed owner: written during its lifetime, open by no one.
        try Data("left".utf8).write(to: git.appendingPathComponent("refs/heads/main.lock"))
        // Written before the killed owner started (someone else's, young): kept.
        try Data("theirs".utf8).write(to: git.appendingPathComponent("HEAD.lock"))
        try FileManager.default.setAttributes(
            [.modificationDate: killedStart.addingTimeInterval(-60)], ofItemAtPath: git.appendingPathComponent("HEAD.lock").path)
        // Held open right now by a live process (this one): kept.
        let held = git.appendingPathComponent("index.lock")
        try Data("held".utf8).write(to: held)
        let handle = try FileHandle(forReadingFrom: held)
        defer { try? handle.close() }

        let repo = try GitRepository.open(at: work)
        let removed = try repo.removeStaleLocks(olderThan: 600, orWrittenDuring: killedStart..<Date())
        #expect(removed == ["refs/heads/main.lock"])
        #expect(FileManager.default.fileExists(atPath: git.appendingPathComponent("HEAD.lock").path))
        #expect(FileManager.default.fileExists(atPath: held.path))
        #expect(try repo.removeStaleLocks(olderThan: 600).isEmpty, "without a killed owner young locks stay")
    }

    @Test func aWorktreeWhoseCreationWasCutShortIsPrunedAndCanBeAddedAgain() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        // What a process killed inside git_worktree_add leaves: the administrative folder with its first file only.
        let administrative = work.appendingPathComponent(".git/worktrees/deployctl-feedback")
        try FileManager.default.createDirectory(at: administrative, withIntermediateDirectories: true)
        try Data().write(to: administrative.appendingPathComponent("commondir"))
        let head = try #require(try repo.head().commit)
        #expect(throws: GitError.self) {
            try repo.addWorktree(at: box.url("wt"), commit: head, name: "deployctl-feedback")
        }
        try repo.removeWorktree(name: "deployctl-feedback")
        #expect(!FileManager.default.fileExists(atPath: administrative.path))
        let worktree = try repo.addWorktree(at: box.url("wt"), commit: head, name: "deployctl-feedback")
        #expect(try worktree.head().commit == head)
        try repo.removeWorktree(name: "deployctl-feedback")
    }
}
