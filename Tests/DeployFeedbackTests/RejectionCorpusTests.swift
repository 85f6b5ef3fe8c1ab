import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Bad inputs: each file ends in `feedback/rejected/` with the expected reason, and nothing outside `feedback/`
/// changes (the checkout, its `.git`, the remote's clone, `commands/`).
@Suite("Bad-input corpus")
struct RejectionCorpusTests {
    static func newFile(_ path: String, _ line: String = "x") -> String {
        "diff --git a/\(path) b/\(path)\nnew file mode 100644\n--- /dev/null\n+++ b/\(path)\n@@ -0,0 +1 @@\n+\(line)\n"
    }

    static let goodPatch =
        "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-hello\n+hi\n"

    static func json(_ fields: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    }

    /// (file name, content, expected code, expected stage).
    static func corpus() -> [(String, Data, FeedbackError.Code, FeedbackStage)] {
        // 50 MiB, written as bytes (encoding such a string through JSONSerialization takes seconds).
        var big = Data(#"{"repo": "app", "patch": "diff --git a/big.txt b/big.txt\nnew file mode 100644\n"#.utf8)
        big.append(Data(#"--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1 @@\n+"#.utf8))
        big.append(Data(repeating: UInt8(ascii: "x"), count: 50 << 20))
        big.append(Data(#"\n"}"#.utf8))
        let largePatch =
            "diff --git a/large.txt b/large.txt\nnew file mode 100644\n--- /dev/null\n+++ b/large.txt\n@@ -0,0 +1 @@\n+"
            + String(repeating: "y", count: 3 << 20) + "\n"
        var notUTF8 = Data(#"{"repo": "app", "patch": "caf"#.utf8)
        notUTF8.append(contentsOf: [0xE9, 0x22, 0x7D])
        let binary = """
            diff --git a/logo.png b/logo.png
            new file mode 100644
            index 0000000..45a21f1
            GIT binary patch
            literal 10
            RcmeAS@N?(olHy`u000e}0jdB1

            literal 0
            HcmV?d00001


            """
        return [
            ("a-malformed.json", Data(#"{"repo": "app", "patch": "#.utf8), .malformedJSON, .read),
            ("b-array.json", Data("[1, 2, 3]".utf8), .malformedJSON, .read),
            ("c-wrong-type.json", json(["repo": "app", "patch": goodPatch, "restart": "yes"]), .wrongType, .read),
            ("d-empty-patch.json", json(["repo": "app", "patch": "", "description": "nothing"]), .emptyPatch, .read),
            (
                "e-missing-patch.json", json(["repo": "app", "description": "no patch", "restart": false]),
                .missingField, .read
            ),
            ("f-unknown-repo.json", json(["repo": "nope", "patch": goodPatch]), .unknownRepository, .validate),
            ("g-repo-traversal.json", json(["repo": "../x", "patch": goodPatch]), .invalidRepositoryName, .read),
            (
                "h-repo-injection.json", json(["repo": "x; rm -rf /", "patch": goodPatch]), .invalidRepositoryName,
                .read
            ),
            ("i-repo-dash.json", json(["repo": "-x", "patch": goodPatch]), .invalidRepositoryName, .read),
            (
                "j-absolute.json",
                json([
                    "repo": "app",
                    "patch": "diff --git a/README.md b/README.md\nsimilarity index 100%\nrename from README.md\n"
                        + "rename to /tmp/evil\n",
                ]),
                .absolutePath, .policy
            ),
            ("k-dotdot.json", json(["repo": "app", "patch": newFile("../outside.txt")]), .pathTraversal, .policy),
            (
                "l-symlink-escape.json", json(["repo": "app", "patch": newFile("vendor/evil.txt")]), .symlinkEscape,
                .policy
            ),
            (
                "m-git-config.json", json(["repo": "app", "patch": newFile(".git/config", "[core]")]), .gitDirectory,
                .policy
            ),
            (
                "n-workflow.json", json(["repo": "app", "patch": newFile(".github/workflows/ci.yml")]), .deniedPath,
                .policy
            ),
            (
                "o-env.json", json(["repo": "app", "patch": newFile("config/prod.env", "TOKEN=x")]), .deniedPath,
                .policy
            ),
            ("p-binary.json", json(["repo": "app", "patch": binary]), .binaryPatch, .policy),
            ("q-50mb.json", big, .fileTooLarge, .read),
            ("r-3mb.json", json(["repo": "app", "patch": largePatch]), .patchTooLarge, .policy),
            ("s-not-utf8.json", notUTF8, .notUTF8, .read),
            ("t-version.json", json(["version": 9, "repo": "app", "patch": goodPatch]), .unsupportedVersion, .read),
            ("u-not-a-diff.json", json(["repo": "app", "patch": "please fix the bug"]), .malformedPatch, .policy),
            (
                "v-branch.json", json(["version": 1, "repo": "app", "branch": "release", "patch": goodPatch]),
                .invalidValue, .validate
            ),
            (
                "w-symlink-mode.json",
                json([
                    "repo": "app",
                    "patch": "diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc\n",
                ]), .specialFileMode, .policy
            ),
        ]
    }

    @Test func everyBadFileIsRejectedAndNothingOutsideFeedbackChanges() async throws {
        let root = try DeployRoot()
        // A committed symbolic link that leaves the repository (and the root).
        let outside = root.folder.url.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: root.checkout().appendingPathComponent("vendor").path, withDestinationPath: "../../../outside")
        _ = try root.git(["add", "vendor"])
        _ = try root.git(["commit", "--quiet", "-m", "vendor link"])
        let marker = root.url.appendingPathComponent("restarted")
        try Data("#!/bin/sh\ntouch '\(marker.path)'\n".utf8).write(
            to: root.commands.appendingPathComponent("restart-services.sh"))
        // A file outside the corpus that must stay pending: a temporary name an agent is still writing.
        try Data("{".utf8).write(to: root.feedback.appendingPathComponent(".incoming.json.tmp"))

        let corpus = Self.corpus()
        for (name, data, _, _) in corpus { try root.drop(name, data: data) }
        let before = try root.snapshot()

        let outcomes = try await root.processor().run()

        #expect(outcomes.map(\.name) == corpus.map(\.0), "files are taken in name order")
        for ((name, _, code, stage), outcome) in zip(corpus, outcomes) {
            guard case .rejected(let record, let file) = outcome else {
                Issue.record("\(name): expected a rejection, got \(outcome)")
                continue
            }
            #expect(record.code == code, "\(name): \(record.message)")
            #expect(record.stage == stage, "\(name)")
            #expect(record.file == name)
            #expect(file == root.feedback.appendingPathComponent("rejected/\(name)"))
            let stem = String(name.dropLast(5))
            let reason = try JSONDecoder().decode(
                JSONValue.self,
                from: Data(contentsOf: root.feedback.appendingPathComponent("rejected/\(stem).reason.json")))
            guard case .object(let fields) = reason else {
                Issue.record("record is not an object")
                continue
            }
            #expect(fields["code"] == .string(code.rawValue), "\(name)")
            #expect(fields["message"] != nil)
        }
        #expect(try root.snapshot().differences(from: before) == [])
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(try root.names(in: "") == ["applied", "rejected"])
        #expect(try root.names(in: "applied") == [])
        #expect(try root.names(in: ".inflight") == [])
        #expect(try root.names(in: "rejected").count == corpus.count * 2)
        #expect(FileManager.default.fileExists(atPath: root.feedback.appendingPathComponent(".incoming.json.tmp").path))
        // Moved, never rewritten: the rejected files hold exactly the bytes dropped.
        for (name, data, _, _) in corpus {
            #expect(try Data(contentsOf: root.feedback.appendingPathComponent("rejected/\(name)")) == data, "\(name)")
        }
        // A second run finds nothing to do.
        #expect(try await root.processor().run().isEmpty)
    }

    @Test func rejectionRecordsKeepMetadataAndUnknownFields() async throws {
        let root = try DeployRoot()
        try root.drop(
            "fb.json",
            [
                "version": 1, "id": "fb-1", "repo": "app", "patch": Self.newFile(".git/hooks/post-checkout"),
                "metadata": ["author": "codex", "report": "deploy/logs/build.json"], "ticket": "OPS-7",
            ])
        let outcomes = try await root.processor().run()
        guard case .rejected(let record, _) = try #require(outcomes.first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.id == "fb-1")
        #expect(record.code == .gitDirectory)
        #expect(record.paths == [".git/hooks/post-checkout"])
        #expect(record.metadata["author"] == .string("codex"))
        #expect(record.unknownFields == ["ticket": .string("OPS-7")])
    }

    @Test func omittedRepositoryNeedsExactlyOne() async throws {
        let root = try DeployRoot(repositories: ["app", "api"])
        try root.drop("fb.json", ["patch": Self.newFile("../x")])
        let outcomes = try await root.processor().run()
        guard case .rejected(let record, _) = try #require(outcomes.first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.code == .ambiguousRepository)
        #expect(record.message.contains("api, app"))
    }
}
