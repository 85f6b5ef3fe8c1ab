import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct BranchDeletionTests {
    @Test func aBranchIsDeletedWithItsConfigurationAndTheCheckedOutOneIsRefused() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        let head = try #require(try repo.head().commit)
        try repo.createBranch("deployctl/staging", at: head, force: true)
        try repo.createBranch("tracked", at: head, force: true)
        try Shell.check(["git", "branch", "--set-upstream-to=origin/main", "tracked"], in: work)

        #expect(try repo.deleteBranch("deployctl/staging"))
        #expect(try repo.deleteBranch("tracked"))
        #expect(try !repo.deleteBranch("never-was"))

        let branches = try Shell.check(["git", "branch", "--format=%(refname:short)"], in: work)
        #expect(branches == "main")
        let config = try Shell.run(["git", "config", "--get-regexp", "^branch\\.tracked\\."], in: work)
        #expect(config.stdout.isEmpty, "the tracked branch's configuration goes with it")
        #expect(try head == #require(try repo.head().commit), "the commits stay")
        let error = #expect(throws: GitError.self) { try repo.deleteBranch("main") }
        #expect(error != nil)
        #expect(try Shell.check(["git", "rev-parse", "--verify", "main"], in: work) == head.hex)
    }
}
