import DeployBuild
import DeployGit
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Feedback for a vendored folder (`repos/NAME`, a plain folder of the repository that holds the deploy root).
@Suite("Feedback for vendored folders")
struct VendoredFeedbackTests {
    /// A deploy root that is itself a clone of `root.git`, with `repos/hello` a plain folder in it.
    struct VendoredRoot {
        let folder: TemporaryFolder
        let fixture: GitFixture
        let remote: URL
        let checkout: URL

        init() throws {
            folder = try TemporaryFolder()
            fixture = GitFixture(scratch: folder.scratch)
            var files = ["README.md": "the root\n", ".gitignore": "feedback/\ncommands/\n"]
            for (path, text) in RepositorySettingsVerificationTests.files { files["repos/hello/" + path] = text }
            remote = try fixture.makeRemote("root", files: files)
            checkout = try fixture.clone(remote, as: "root")
            for name in ["feedback", "commands"] {
                try FileManager.default.createDirectory(
                    at: checkout.appendingPathComponent(name), withIntermediateDirectories: true)
            }
        }

        var repository: FeedbackRepository {
            FeedbackRepository(
                name: "hello", directory: checkout.appendingPathComponent("repos/hello"),
                enclosing: .init(workTree: checkout, path: "repos/hello/"))
        }

        /// A diff relative to the folder (`git diff --relative`), made in a scratch clone.
        func diff(_ files: [String: String]) throws -> String {
            let work = try fixture.clone(remote, as: "diff-\(UUID().uuidString.prefix(6))")
            defer { try? FileManager.default.removeItem(at: work) }
            try fixture.write(files, in: work)
            try Shell.check(["git", "add", "-A"], in: work)
            return try Shell.check(["git", "diff", "--cached", "--relative=repos/hello"], in: work) + "\n"
        }

        func drop(_ name: String, _ fields: [String: Any]) throws {
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            try data.write(to: checkout.appendingPathComponent("feedback/\(name)"))
        }

        func processor(verifier: FeedbackVerifier? = nil) -> FeedbackProcessor {
            var options = FeedbackProcessor.Options(verify: verifier != nil)
            options.worktreeDirectory = folder.url.appendingPathComponent("worktrees")
            options.changelogPath = "CHANGELOG.md"
            return FeedbackProcessor(
                feedbackDirectory: checkout.appendingPathComponent("feedback"),
                commandsDirectory: checkout.appendingPathComponent("commands"), repositories: [repository],
                options: options, verifier: verifier, publisher: DirectPushPublisher(),
                author: Signature(name: "deployctl test", email: "deployctl@example.invalid"))
        }
    }

    @Test func aPatchOfTheFolderIsVerifiedInTheFolderAndCommittedInTheRootRepository() async throws {
        let root = try VendoredRoot()
        let patch = try root.diff(["repos/hello/value.txt": "6\n", "repos/hello/docs/new.md": "new\n"])
        #expect(patch.contains("a/value.txt") && !patch.contains("repos/hello"), "a patch relative to the folder")
        try root.drop("1.json", ["version": 1, "id": "fb-v", "repo": "hello", "patch": patch, "description": "Six"])
        let toolchain = try await ToolchainLocator(probe: .current(environment: ProcessInfo.processInfo.environment))
            .locate()
        // Relative commands: they only work when run in the folder.
        let verifier = FeedbackVerifier(
            settings: RepositoryBuildSettings(
                buildCommand: ["sh", "build.sh"], testCommand: ["sh", "test.sh"], retryFailedTests: false),
            toolchain: toolchain, logDirectory: root.folder.url.appendingPathComponent("logs"))

        let outcomes = try await root.processor(verifier: verifier).run()

        guard case .applied(let record, _) = try #require(outcomes.first) else {
            Issue.record("not applied: \(outcomes)")
            return
        }
        #expect(record.verification.outcome == .passed)
        #expect(record.paths == ["repos/hello/CHANGELOG.md", "repos/hello/docs/new.md", "repos/hello/value.txt"])
        let git = root.remote.path
        #expect(try Shell.check(["git", "--git-dir", git, "rev-parse", "main"]) == record.commit)
        #expect(
            try Shell.check(["git", "--git-dir", git, "show", "--format=", "--name-only", "main"])
                == "repos/hello/CHANGELOG.md\nrepos/hello/docs/new.md\nrepos/hello/value.txt")
        #expect(try Shell.check(["git", "--git-dir", git, "show", "main:repos/hello/value.txt"]) == "6")
        #expect(
            try Shell.check(["git", "--git-dir", git, "log", "-1", "--format=%(trailers:key=Feedback-Id,valueonly)"])
                == "fb-v")
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: root.checkout) == record.commit)
        #expect(try Shell.check(["git", "status", "--porcelain"], in: root.checkout) == "")
    }

    @Test func thePathPolicyIsRelativeToTheFolder() async throws {
        let root = try VendoredRoot()
        let escape = """
            diff --git a/../../README.md b/../../README.md
            --- a/../../README.md
            +++ b/../../README.md
            @@ -1 +1 @@
            -the root
            +owned

            """
        let workflow = try root.diff(["repos/hello/.github/workflows/ci.yml": "on: push\n"])
        try root.drop("1.json", ["version": 1, "id": "fb-up", "repo": "hello", "patch": escape])
        try root.drop("2.json", ["version": 1, "id": "fb-ci", "repo": "hello", "patch": workflow])
        let before = try Shell.check(["git", "--git-dir", root.remote.path, "rev-parse", "main"])

        let outcomes = try await root.processor().run()

        let codes = outcomes.map { outcome -> FeedbackError.Code? in
            if case .rejected(let record, _) = outcome { return record.code }
            return nil
        }
        #expect(codes == [.pathTraversal, .deniedPath])
        #expect(try Shell.check(["git", "--git-dir", root.remote.path, "rev-parse", "main"]) == before)
        #expect(try Shell.check(["git", "status", "--porcelain"], in: root.checkout) == "")
    }

    @Test func prefixingPathsRewritesEveryHeaderAndNoHunk() throws {
        let patch = """
            diff --git a/old name.txt b/new name.txt
            similarity index 90%
            rename from old name.txt
            rename to new name.txt
            --- a/old name.txt
            +++ b/new name.txt
            @@ -1,2 +1,2 @@
             keep
            --- a/not a header
            +++ b/not a header
            diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"
            new file mode 100644
            --- /dev/null
            +++ "b/caf\\303\\251.txt"
            @@ -0,0 +1 @@
            +x

            """
        let prefixed = try UnifiedDiff.prefixingPaths(patch, with: "repos/x/")
        let lines = prefixed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == #"diff --git "a/repos/x/old name.txt" "b/repos/x/new name.txt""#)
        // Paths with blanks are quoted, so that every reader (libgit2 1.5 included) splits them in one way.
        #expect(lines[2] == #"rename from "repos/x/old name.txt""#)
        #expect(lines[3] == #"rename to "repos/x/new name.txt""#)
        #expect(lines[4] == #"--- "a/repos/x/old name.txt""#)
        #expect(lines[5] == #"+++ "b/repos/x/new name.txt""#)
        #expect(lines[8] == "--- a/not a header" && lines[9] == "+++ b/not a header", "hunk lines are content")
        #expect(lines[12] == "--- /dev/null")
        #expect(lines[13] == #"+++ "b/repos/x/caf\303\251.txt""#)
        let summary = try UnifiedDiff.summarize(prefixed)
        #expect(summary.changedPaths.sorted() == ["repos/x/café.txt", "repos/x/new name.txt", "repos/x/old name.txt"])
    }

    @Test func prefixingPathsReadsACRLFPatchLineByLine() throws {
        let patch = "diff --git a/a.txt b/a.txt\r\n--- a/a.txt\r\n+++ b/a.txt\r\n@@ -1 +1 @@\r\n-x\r\n+y\r\n"
            + "diff --git a/b.txt b/b.txt\r\n--- a/b.txt\r\n+++ b/b.txt\r\n@@ -1 +1 @@\r\n-x\r\n+y\r\n"

        let prefixed = try UnifiedDiff.prefixingPaths(patch, with: "repos/x")

        #expect(try UnifiedDiff.summarize(prefixed).changedPaths == ["repos/x/a.txt", "repos/x/b.txt"])
        #expect(prefixed.contains("\r\n-x\r\n+y\r\n"), "hunks keep their line ends")
    }
}
