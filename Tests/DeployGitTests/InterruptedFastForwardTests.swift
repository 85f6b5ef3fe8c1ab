import DeployGit
import DeployTestSupport
import Foundation
import Testing

/// A process killed in the middle of a fast-forward leaves the target's files (and perhaps its index) written while
/// the branch still names the old commit. The next fast-forward finishes it; it never takes local work for such a
/// trace.
@Suite struct InterruptedFastForwardTests {
    /// A checkout one commit behind its remote, fetched, with the fast-forward's checkout done by `interrupt` by hand.
    private func checkoutBehind(
        _ box: Sandbox, interrupt: (URL) throws -> Void
    ) async throws -> (GitRepository, URL, target: String) {
        let remote = try box.fixture.makeRemote("app", files: ["a.txt": "a\n", "gone.txt": "g\n"])
        let work = try box.fixture.clone(remote, as: "app")
        let target = try box.fixture.pushCommit(to: remote, files: ["a.txt": "upstream\n", "new.txt": "new\n"], removing: ["gone.txt"])
        let repo = try GitRepository.open(at: work)
        try await repo.fetch()
        try interrupt(work)
        return (repo, work, target)
    }

    @Test func filesAndIndexWrittenButTheBranchNotMovedAreFinished() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        // `git read-tree -u -m` writes the target's index and files and leaves HEAD alone: the trace of a kill.
        let (repo, work, target) = try await checkoutBehind(box) { work in
            try Shell.check(["git", "read-tree", "-u", "-m", "origin/main"], in: work)
        }
        #expect(!(try Shell.check(["git", "status", "--porcelain"], in: work)).isEmpty)
        let outcome = try repo.fastForward(branch: "main", to: "origin/main")
        guard case .fastForwarded(_, let to) = outcome else {
            Issue.record("expected a finished fast-forward, got \(outcome)")
            return
        }
        #expect(to.hex == target)
        #expect(try Shell.check(["git", "status", "--porcelain"], in: work).isEmpty)
        #expect(try box.read("a.txt", in: work) == "upstream\n")
    }

    @Test func filesWrittenButNotTheIndexAreFinished() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (repo, work, target) = try await checkoutBehind(box) { work in
            try "upstream\n".write(to: work.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
            try "new\n".write(to: work.appendingPathComponent("new.txt"), atomically: true, encoding: .utf8)
        }
        #expect(try repo.fastForward(branch: "main", to: "origin/main") != .blocked(.dirty(WorkTreeStatus())))
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: work) == target)
        #expect(try Shell.check(["git", "status", "--porcelain"], in: work).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("gone.txt").path))
    }

    @Test func aLocalEditIsNeverTakenForATrace() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (repo, work, _) = try await checkoutBehind(box) { work in
            try Shell.check(["git", "read-tree", "-u", "-m", "origin/main"], in: work)
            try "mine\n".write(to: work.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        }
        let before = try Shell.check(["git", "rev-parse", "HEAD"], in: work)
        guard case .blocked(.dirty) = try repo.fastForward(branch: "main", to: "origin/main") else {
            Issue.record("a local edit was overwritten")
            return
        }
        #expect(try box.read("a.txt", in: work) == "mine\n")
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: work) == before)
    }

    @Test func stagedContentThatIsNeitherSideIsKept() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (repo, work, _) = try await checkoutBehind(box) { work in
            try "staged by hand\n".write(to: work.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
            try Shell.check(["git", "add", "a.txt"], in: work)
            try "upstream\n".write(to: work.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        }
        guard case .blocked(.dirty) = try repo.fastForward(branch: "main", to: "origin/main") else {
            Issue.record("staged work was overwritten")
            return
        }
        #expect(try Shell.check(["git", "show", ":a.txt"], in: work) == "staged by hand")
    }
}
