import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct InspectTests {
    @Test func openReportsHeadUpstreamAndTree() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        let head = try repo.head()
        #expect(head.branch == "main")
        #expect(head.commit == (try box.revParse("HEAD", in: work)))
        #expect(!head.isDetached && !head.isUnborn)
        #expect(try repo.upstream() == "origin/main")
        #expect(try repo.treeID(of: #require(head.commit)) == (try box.revParse("HEAD^{tree}", in: work)))
        #expect(repo.workDirectory.path == work.path)
    }

    @Test func openMissingRepositoryIsNotFound() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let error = #expect(throws: GitError.self) { try GitRepository.open(at: box.url("nothing")) }
        #expect(error?.code == .notFound)
        #expect(error?.operation == "open")
    }

    @Test func discoverFindsTheRepositoryOwningAVendoredFolder() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("root", files: ["vendor/lib/lib.swift": "let x = 1\n"])
        let work = try box.fixture.clone(remote, as: "root")
        let repo = try GitRepository.discover(containing: work.appendingPathComponent("vendor/lib"))
        #expect(repo.workDirectory.path == work.path)
        #expect(repo.relativePath(of: work.appendingPathComponent("vendor/lib")) == "vendor/lib")
        #expect(throws: GitError.self) { try GitRepository.open(at: work.appendingPathComponent("vendor/lib")) }
    }

    @Test func resolvePeelsAnnotatedTagsToCommits() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        try Shell.check(["git", "tag", "-a", "v1.0.0", "-m", "release"], in: work)
        let repo = try GitRepository.open(at: work)
        let tagObject = try #require(try box.revParse("v1.0.0", in: work))
        let commit = try #require(try box.revParse("v1.0.0^{commit}", in: work))
        #expect(tagObject != commit)
        #expect(try repo.resolve("v1.0.0") == commit)
        #expect(try repo.resolve("refs/tags/v1.0.0") == commit)
        let missing = #expect(throws: GitError.self) { try repo.resolve("v9") }
        #expect(missing?.code == .notFound)
        let tree = try #require(try box.revParse("HEAD^{tree}", in: work))
        let notCommit = #expect(throws: GitError.self) { try repo.resolve(tree.hex) }
        #expect(notCommit?.code == .invalidArgument)
    }

    @Test func aheadBehindCountsBothSides() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        try box.fixture.pushCommit(to: remote, files: ["a.txt": "a\n"])
        try box.fixture.pushCommit(to: remote, files: ["b.txt": "b\n"])
        try box.fixture.commit(["local.txt": "l\n"], in: work)
        try Shell.check(["git", "fetch", "--quiet"], in: work)
        let repo = try GitRepository.open(at: work)
        let counts = try repo.aheadBehind(local: repo.resolve("HEAD"), upstream: repo.resolve("origin/main"))
        #expect(counts.ahead == 1 && counts.behind == 2)
    }

    @Test func statusListsEachKindAndSkipsIgnoredFiles() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app", files: ["a.txt": "a\n", "b.txt": "b\n", ".gitignore": ".build/\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        #expect(try repo.status().isClean)
        try box.fixture.write(["a.txt": "changed\n", "new/file.txt": "n\n", ".build/out.o": "x"], in: work)
        try box.fixture.write(["b.txt": "staged\n"], in: work)
        try Shell.check(["git", "add", "b.txt"], in: work)
        let status = try repo.status()
        #expect(status.unstaged == ["a.txt"])
        #expect(status.staged == ["b.txt"])
        #expect(status.untracked == ["new/file.txt"])
        #expect(status.conflicted.isEmpty)
        #expect(!status.isClean)
    }

    @Test func unbornRepositoryHasNoCommit() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let work = box.url("empty")
        try Shell.check(["git", "init", "--quiet", "--initial-branch=main", work.path])
        let head = try GitRepository.open(at: work).head()
        #expect(head.isUnborn && head.branch == "main" && head.commit == nil)
    }
}
