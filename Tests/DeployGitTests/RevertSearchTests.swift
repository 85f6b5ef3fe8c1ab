import DeployGit
import DeployTestSupport
import Foundation
import Testing

/// Finding the commits a history reverts, as `git revert` records them.
@Suite struct RevertSearchTests {
    @Test func aRevertNamesTheCommitItUndoesAndOnlyWithinTheCommitsRead() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app", files: ["a.txt": "one\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let fix = try box.fixture.commit(["a.txt": "two\n"], in: work, message: "a fix")
        try Shell.check(["git", "revert", "--no-edit", fix], in: work)
        let revert = try Shell.check(["git", "rev-parse", "HEAD"], in: work)
        try box.fixture.commit(["b.txt": "later\n"], in: work, message: "This reverts commit 1234 (not an id)")
        let repo = try GitRepository.open(at: work)

        let found = try repo.revertedCommits(in: ["HEAD"], limit: 10)
        #expect(found.mapValues(\.hex) == [fix: revert])
        #expect(try repo.revertedCommits(in: ["HEAD"], limit: 1).isEmpty, "the revert is the second newest commit")
        #expect(try repo.revertedCommits(in: ["no-such-branch"], limit: 10).isEmpty)
        #expect(throws: GitError.self) { try repo.revertedCommits(in: ["HEAD"], limit: 0) }
    }
}
