import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Applying against real git repositories (verification off; the builds are in ``VerificationTests``).
@Suite("Applying feedback")
struct ApplyTests {
    static let lines = (1...12).map { "line \($0)\n" }.joined()

    static func makeRoot() throws -> DeployRoot {
        try DeployRoot(files: ["README.md": "hello\n", "notes.txt": lines, "src/a.txt": "a\n"])
    }

    /// A real diff made with `git diff` in a scratch clone of the remote at `commit`.
    static func diff(_ root: DeployRoot, at commit: String? = nil, _ files: [String: String?]) throws -> String {
        let work = try root.fixture.clone(root.remotes["app"]!, as: "diff-\(UUID().uuidString.prefix(6))")
        defer { try? FileManager.default.removeItem(at: work) }
        if let commit { try Shell.check(["git", "checkout", "--quiet", commit], in: work) }
        for (path, content) in files {
            let url = work.appendingPathComponent(path)
            if let content {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(content.utf8).write(to: url)
            } else {
                try FileManager.default.removeItem(at: url)
            }
        }
        try Shell.check(["git", "add", "-A"], in: work)
        return try Shell.check(["git", "diff", "--cached"], in: work) + "\n"
    }

    static func replacing(_ line: Int, with text: String, in content: String = lines) -> String {
        var parts = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        parts[line - 1] = text
        return parts.joined(separator: "\n")
    }

    @Test func appliesAndCommitsExactlyThePatchedPaths() async throws {
        let root = try Self.makeRoot()
        let patch = try Self.diff(root, ["README.md": "hi\n", "src/new.txt": "new\n", "src/a.txt": nil])
        // Unrelated local work in the checkout must stay uncommitted and untouched.
        try Data("local edit\n".utf8).write(to: root.checkout().appendingPathComponent("notes.txt"))
        try Data("scratch\n".utf8).write(to: root.checkout().appendingPathComponent("untracked.txt"))
        try root.drop(
            "001-fix.json",
            [
                "version": 1, "id": "fb-1", "repo": "app", "patch": patch, "description": "Say hi\n\nLonger body.",
                "metadata": ["author": "codex"], "extra": 1,
            ])
        let tipBefore = try root.git(["rev-parse", "HEAD"])

        let outcomes = try await root.processor().run()

        guard case .applied(let record, let file) = try #require(outcomes.first) else {
            Issue.record("not applied: \(outcomes)")
            return
        }
        #expect(file == root.feedback.appendingPathComponent("applied/001-fix.json"))
        #expect(record.parent == tipBefore)
        #expect(record.commit == (try root.git(["rev-parse", "HEAD"])))
        #expect(record.paths == ["README.md", "src/a.txt", "src/new.txt"])
        #expect(record.verification.outcome == .skipped)
        #expect(record.publication.kind == .noPublisher)
        #expect(record.unknownFields == ["extra": .number(1)])
        #expect(try root.git(["log", "-1", "--format=%B"]) == "Say hi\n\nLonger body.\n\nFeedback-Id: fb-1")
        #expect(try root.git(["log", "-1", "--format=%an <%ae>"]) == "deployctl test <deployctl@example.invalid>")
        #expect(
            try root.git(["show", "--name-status", "--format=", "HEAD"]).split(separator: "\n").sorted()
                == ["A\tsrc/new.txt", "D\tsrc/a.txt", "M\tREADME.md"])
        #expect(
            try root.git(["status", "--porcelain"]).split(separator: "\n").sorted() == [
                " M notes.txt", "?? untracked.txt",
            ])
        #expect(try String(contentsOf: root.checkout().appendingPathComponent("README.md"), encoding: .utf8) == "hi\n")
        #expect(root.processor().inbox.ledger().entries["fb-1"]?.commit == record.commit)
        #expect(
            FileManager.default.fileExists(
                atPath: root.feedback.appendingPathComponent("applied/001-fix.result.json").path))
    }

    @Test func aDuplicateIDIsRejectedAndTheSamePatchTwiceIsADuplicate() async throws {
        let root = try Self.makeRoot()
        let patch = try Self.diff(root, ["README.md": "hi\n"])
        let other = try Self.diff(root, ["src/a.txt": "b\n"])
        try root.drop("1.json", ["version": 1, "id": "fb-7", "repo": "app", "patch": patch])
        try root.drop("2.json", ["version": 1, "id": "fb-7", "repo": "app", "patch": other])
        try root.drop("3.json", ["repo": "app", "patch": other, "description": "first"])
        try root.drop("4.json", ["repo": "app", "patch": other, "description": "same patch, other words"])
        let outcomes = try await root.processor().run()
        let codes = outcomes.map { outcome -> String in
            switch outcome {
            case .applied: "applied"
            case .rejected(let record, _): record.code.rawValue
            default: "other"
            }
        }
        #expect(codes == ["applied", "duplicate", "applied", "duplicate"])
        #expect(try root.trailers().count == 2)
        // A later run (ledger on disk) still knows the id.
        try root.drop("5.json", ["version": 1, "id": "fb-7", "repo": "app", "patch": other])
        guard case .rejected(let record, _) = try #require(try await root.processor().run().first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.code == .duplicate)
        #expect(record.message.contains("1.json"))
    }

    @Test func aPatchThatDoesNotApplyIsRejectedAndNothingChanges() async throws {
        let root = try Self.makeRoot()
        let patch = "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-goodbye\n+hi\n"
        try root.drop("x.json", ["repo": "app", "patch": patch])
        let before = try root.snapshot()
        guard case .rejected(let record, _) = try #require(try await root.processor().run().first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.code == .patchDoesNotApply)
        #expect(record.stage == .apply)
        #expect(try root.snapshot().differences(from: before) == [])
    }

    @Test func aStaleBaseIsMergedThreeWay() async throws {
        let root = try Self.makeRoot()
        let base = try root.git(["rev-parse", "HEAD"])
        // The patch changes line 6 at base; the branch then changed line 4 (inside the patch's context).
        let patch = try Self.diff(root, ["notes.txt": Self.replacing(6, with: "line six, patched")])
        try root.fixture.pushCommit(
            to: root.remotes["app"]!, files: ["notes.txt": Self.replacing(4, with: "line four, moved on")])
        _ = try root.git(["pull", "--quiet", "--ff-only"])
        try root.drop("stale.json", ["version": 1, "id": "fb-stale", "repo": "app", "base": base, "patch": patch])

        guard case .applied(let record, _) = try #require(try await root.processor().run().first) else {
            Issue.record("not applied")
            return
        }
        #expect(record.threeWay)
        #expect(record.base == base)
        let expected = Self.replacing(6, with: "line six, patched", in: Self.replacing(4, with: "line four, moved on"))
        #expect(
            try String(contentsOf: root.checkout().appendingPathComponent("notes.txt"), encoding: .utf8) == expected)
        #expect(try root.git(["status", "--porcelain"]) == "")
        #expect(try root.trailers() == ["fb-stale"])
    }

    @Test func aConflictingStaleBaseIsRejectedNamingThePaths() async throws {
        let root = try Self.makeRoot()
        let base = try root.git(["rev-parse", "HEAD"])
        let patch = try Self.diff(
            root, ["notes.txt": Self.replacing(6, with: "six by the patch"), "README.md": "hi\n"])
        try root.fixture.pushCommit(
            to: root.remotes["app"]!, files: ["notes.txt": Self.replacing(6, with: "six by the branch")])
        _ = try root.git(["pull", "--quiet", "--ff-only"])
        try root.drop("conflict.json", ["version": 1, "repo": "app", "base": base, "patch": patch])
        let before = try root.snapshot()

        guard case .rejected(let record, _) = try #require(try await root.processor().run().first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.code == .conflict)
        #expect(record.paths == ["notes.txt"])
        #expect(record.message.contains("notes.txt"))
        let changed = try root.snapshot().differences(from: before)
        #expect(changed == [])
        #expect(try root.git(["worktree", "list", "--porcelain"]).components(separatedBy: "worktree ").count == 2)
    }

    @Test func dryRunChangesNothing() async throws {
        let root = try Self.makeRoot()
        try root.drop("a.json", ["repo": "app", "patch": try Self.diff(root, ["README.md": "hi\n"])])
        try root.drop("b.json", ["repo": "app", "patch": RejectionCorpusTests.newFile(".git/config")])
        let before = try TreeSnapshot(root.url, excluding: ["repos/app/.git/objects"])
        let outcomes = try await root.processor(.init(verify: false, dryRun: true)).run()
        let changed = try TreeSnapshot(root.url, excluding: ["repos/app/.git/objects"]).differences(from: before)
        #expect(changed == [])
        guard case .checked(let a) = outcomes[0], case .checked(let b) = outcomes[1] else {
            Issue.record("not checked: \(outcomes)")
            return
        }
        #expect(a.error == nil)
        #expect(a.paths == ["README.md"])
        #expect(b.error?.code == .gitDirectory)
    }

    @Test func publishingPushesFastForwardsAndRestartsOnce() async throws {
        let root = try Self.makeRoot()
        let marker = root.url.appendingPathComponent("restarts.txt")
        try Data("#!/bin/sh\necho restarting >> '\(marker.path)'\necho done\n".utf8)
            .write(to: root.commands.appendingPathComponent("restart-app.sh"))
        try Data("#!/bin/sh\nexit 9\n".utf8).write(to: root.commands.appendingPathComponent("restart-services.sh"))
        try root.drop(
            "p.json",
            ["version": 1, "id": "fb-push", "repo": "app", "patch": try Self.diff(root, ["README.md": "pushed\n"])])
        try root.drop(
            "q.json",
            [
                "version": 1, "id": "fb-quiet", "repo": "app", "restart": false,
                "patch": try Self.diff(root, ["src/a.txt": "quiet\n"]),
            ])

        let outcomes = try await root.processor(publish: true, restart: true).run()

        guard case .applied(let record, _) = outcomes[0], case .applied(let quiet, _) = outcomes[1] else {
            Issue.record("not applied: \(outcomes)")
            return
        }
        let remoteTip = try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main"])
        #expect(remoteTip == quiet.commit)
        #expect(
            try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main~1"]) == record.commit)
        #expect(try root.git(["rev-parse", "HEAD"]) == quiet.commit)
        #expect(try root.git(["status", "--porcelain"]) == "")
        #expect(record.publication.kind == .push)
        #expect(record.publication.ref == "refs/heads/main")
        #expect(record.checkout?.hasPrefix("fast-forwarded") == true)
        #expect(record.restart?.command == "commands/restart-app.sh")
        #expect(record.restart?.exitStatus == 0)
        #expect(quiet.restart == nil)
        #expect(try String(contentsOf: marker, encoding: .utf8) == "restarting\n")
    }
}
