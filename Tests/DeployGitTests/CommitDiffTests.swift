import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct CommitDiffTests {
    @Test func thePatchBetweenTwoCommitsIsWhatGitDiffPrints() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote(
            "app", files: ["a.txt": "one\ntwo\nthree\n", "gone.txt": "bye\n", "dir/b.txt": "b\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let before = try #require(try box.revParse("HEAD", in: work))
        try box.fixture.write(["a.txt": "one\n2\nthree\n", "dir/new.txt": "new\n"], in: work)
        try FileManager.default.removeItem(at: work.appendingPathComponent("gone.txt"))
        try Shell.check(["git", "add", "-A"], in: work)
        try Shell.check(["git", "commit", "--quiet", "-m", "change"], in: work)
        let after = try #require(try box.revParse("HEAD", in: work))
        let repo = try GitRepository.open(at: work)

        let patch = try repo.patch(from: before, to: after, limit: 100_000)

        let expected = try Shell.run(["git", "diff", "--no-color", before.hex, after.hex], in: work).stdout
        #expect(!patch.truncated)
        #expect(patch.text == expected)
        #expect(try repo.patch(from: after, to: after, limit: 100).text.isEmpty)
    }

    @Test func aPatchPastTheLimitIsCutAtALineAndSaysSo() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app", files: ["big.txt": "start\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let before = try #require(try box.revParse("HEAD", in: work))
        let lines = (1...2_000).map { "line \($0) of a long change\n" }.joined()
        let after = try #require(ObjectID(hex: try box.fixture.commit(["big.txt": lines], in: work)))
        let repo = try GitRepository.open(at: work)

        let patch = try repo.patch(from: before, to: after, limit: 1_000)

        #expect(patch.truncated)
        #expect(patch.text.utf8.count <= 1_000)
        #expect(patch.text.hasPrefix("diff --git a/big.txt b/big.txt\n"))
        #expect(patch.text.hasSuffix("\n"))
    }
}
