import DeployFeedback
import DeployTestSupport
import Foundation
import Testing

@Suite("Patch path policy")
struct PatchPolicyTests {
    let policy = PatchPolicy()

    private func violation(_ paths: [String], in folder: URL, policy: PatchPolicy = PatchPolicy()) -> FeedbackError? {
        do {
            try policy.check(paths: paths, repository: folder)
            return nil
        } catch {
            return error
        }
    }

    @Test func pathsThatStayInsideAreAccepted() throws {
        let folder = try TemporaryFolder()
        #expect(
            violation(
                ["README.md", "Sources/App/main.swift", "docs/a b.md", ".gitignore", "git/x", ".github/CODEOWNERS"],
                in: folder.url) == nil)
    }

    @Test(arguments: [
        ("/etc/passwd", FeedbackError.Code.absolutePath),
        ("~/.ssh/authorized_keys", .absolutePath),
        ("../outside.txt", .pathTraversal),
        ("src/../../outside.txt", .pathTraversal),
        ("src/..\\..\\x", .pathTraversal),
        (".git/config", .gitDirectory),
        ("sub/.git/hooks/pre-commit", .gitDirectory),
        (".GIT/config", .gitDirectory),
        (".git./config", .gitDirectory),
        ("GIT~1/config", .gitDirectory),
        (".github/workflows/ci.yml", .deniedPath),
        (".GitHub/Workflows/x.yml", .deniedPath),
        ("dispatcher.env", .deniedPath),
        ("deploy/dispatcher.env", .deniedPath),
        ("config/prod.env", .deniedPath),
        (".env", .deniedPath),
        ("", .invalidPath),
        ("a//b", .invalidPath),
        ("./a", .invalidPath),
        ("a/./b", .invalidPath),
        ("a\nb", .invalidPath),
    ])
    func pathRules(path: String, code: FeedbackError.Code) throws {
        let folder = try TemporaryFolder()
        let error = try #require(violation(["ok.txt", path], in: folder.url))
        #expect(error.code == code)
        #expect(error.paths == [path])
    }

    @Test func denyListIsConfigurable() throws {
        let folder = try TemporaryFolder()
        let custom = PatchPolicy(deniedPaths: ["secrets/", "*.pem", "deploy/*.yml"])
        #expect(violation(["secrets/key"], in: folder.url, policy: custom)?.code == .deniedPath)
        #expect(violation(["certs/server.pem"], in: folder.url, policy: custom)?.code == .deniedPath)
        #expect(violation(["deploy/prod.yml"], in: folder.url, policy: custom)?.code == .deniedPath)
        #expect(
            violation(["deploy/sub/prod.yml", "secretsx/a", "dispatcher.env"], in: folder.url, policy: custom) == nil)
        #expect(PatchPolicy.matches(pattern: ".github/workflows/", path: ".github/workflows/ci.yml"))
        #expect(!PatchPolicy.matches(pattern: ".github/workflows/", path: ".github/workflows"))
        #expect(!PatchPolicy.matches(pattern: ".github/workflows/", path: "x/.github/workflows/ci.yml"))
    }

    @Test func symlinksThatLeaveTheRepositoryAreRejected() throws {
        let folder = try TemporaryFolder()
        let repository = folder.url.appendingPathComponent("repo")
        let outside = folder.url.appendingPathComponent("outside")
        try FileManager.default.createDirectory(
            at: repository.appendingPathComponent("src"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: repository.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let fm = FileManager.default
        try fm.createSymbolicLink(
            atPath: repository.appendingPathComponent("escape").path, withDestinationPath: "../outside")
        try fm.createSymbolicLink(
            atPath: repository.appendingPathComponent("abs").path, withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: repository.appendingPathComponent("inside").path, withDestinationPath: "src")
        try fm.createSymbolicLink(
            atPath: repository.appendingPathComponent("dangling").path, withDestinationPath: "nowhere/x")
        try fm.createSymbolicLink(
            atPath: repository.appendingPathComponent("gitlink").path, withDestinationPath: ".git")
        try fm.createSymbolicLink(
            atPath: repository.appendingPathComponent("src/up").path, withDestinationPath: "../../outside/f")

        #expect(violation(["src/new/deep.swift", "newdir/x", "src/main.swift"], in: repository) == nil)
        // git writes nothing beyond a symbolic link, even one that stays inside: neither does deployctl.
        for path in ["escape/file.txt", "abs/x", "dangling", "src/up", "inside/main.swift", "inside"] {
            let error = violation([path], in: repository)
            #expect(error?.code == .symlinkEscape, "\(path)")
            #expect(error?.paths == [path])
        }
        #expect(violation(["gitlink/config"], in: repository)?.code == .gitDirectory)
        // Nothing was created or written while checking.
        #expect(try fm.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test func limitsAndContent() throws {
        let folder = try TemporaryFolder()
        let small = PatchPolicy(maxPatchBytes: 100, maxFiles: 2)
        let big = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-" + String(repeating: "a", count: 200) + "\n+b\n"
        #expect(throws: FeedbackError.self) { try small.check(patch: big, repository: folder.url) }
        do { try small.check(patch: big, repository: folder.url) } catch { #expect(error.code == .patchTooLarge) }

        let three = (1...3).map {
            "diff --git a/f\($0) b/f\($0)\nnew file mode 100644\n--- /dev/null\n+++ b/f\($0)\n@@ -0,0 +1 @@\n+x\n"
        }
        .joined()
        do {
            try PatchPolicy(maxFiles: 2).check(patch: three, repository: folder.url)
            Issue.record("three files accepted")
        } catch { #expect(error.code == .tooManyFiles) }

        let binary =
            "diff --git a/a.bin b/a.bin\nindex 1111111..2222222 100644\nBinary files a/a.bin and b/a.bin differ\n"
        do {
            try policy.check(patch: binary, repository: folder.url)
            Issue.record("binary accepted")
        } catch {
            #expect(error.code == .binaryPatch)
            #expect(error.paths == ["a.bin"])
        }
        #expect((try? PatchPolicy(allowsBinary: true).check(patch: binary, repository: folder.url)) != nil)

        let symlink = "diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc\n"
        do {
            try policy.check(patch: symlink, repository: folder.url)
            Issue.record("symlink accepted")
        } catch { #expect(error.code == .specialFileMode) }
    }
}
