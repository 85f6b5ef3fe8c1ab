import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

@Suite("CHANGELOG.md entries")
struct ChangelogTests {
    static let date = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 UTC

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func theEntryGoesUnderTheRightHeading() {
        let entry = ChangelogEntry(date: Self.date, summary: "\n  Fix the greeting  \n\nLonger body.", feedbackID: "fb-1")
        #expect(entry.line == "- 2026-11-18: Fix the greeting (feedback `fb-1`)")
        #expect(Self.text(entry.inserted(into: nil)) == "# Changelog\n\n\(entry.line)\n")
        #expect(Self.text(entry.inserted(into: [])) == "# Changelog\n\n\(entry.line)\n")
        #expect(
            Self.text(entry.inserted(into: Array("# Changes\n\n- older\n".utf8)))
                == "# Changes\n\n\(entry.line)\n- older\n")
        #expect(Self.text(entry.inserted(into: Array("# Changes\n".utf8))) == "# Changes\n\n\(entry.line)\n")
        #expect(
            Self.text(entry.inserted(into: Array("# Changelog\nSome words.\n".utf8)))
                == "# Changelog\n\n\(entry.line)\n\nSome words.\n")
        let keepAChangelog = "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n- queued\n\n## [1.0.0]\n- first\n"
        #expect(
            Self.text(entry.inserted(into: Array(keepAChangelog.utf8)))
                == "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n\(entry.line)\n- queued\n\n## [1.0.0]\n- first\n")
        #expect(Self.text(entry.inserted(into: Array("plain text\n".utf8))) == "\(entry.line)\n\nplain text\n")
        let long = ChangelogEntry(date: Self.date, summary: String(repeating: "x", count: 300), feedbackID: "fb")
        #expect(long.line.count < 240)
    }

    @Test func eachAppliedFeedbackAddsAnEntryInItsOwnVerifiedCommit() async throws {
        var files = RepositorySettingsVerificationTests.files
        files["CHANGELOG.md"] = "# Changelog\n\n- 2026-01-01: Initial (feedback `seed`)\n"
        let root = try DeployRoot(files: files)
        try root.drop(
            "1.json",
            [
                "version": 1, "id": "fb-six", "repo": "app", "description": "Six\n\nBecause.",
                "patch": try ApplyTests.diff(root, ["value.txt": "6\n"]),
            ])
        try root.drop(
            "2.json",
            [
                "version": 1, "id": "fb-eight", "repo": "app", "description": "Eight",
                "patch": try ApplyTests.diff(root, ["eight.txt": "8\n"]),
            ])
        let toolchain = try await ToolchainLocator(probe: .current(environment: ProcessInfo.processInfo.environment))
            .locate()
        // The test step fails unless the verified tree's changelog names the feedback being verified.
        let verifier = FeedbackVerifier(
            settings: RepositoryBuildSettings(
                buildCommand: ["sh", "build.sh"],
                testCommand: ["sh", "-c", "sh test.sh && head -3 CHANGELOG.md | grep -q feedback"],
                retryFailedTests: false),
            toolchain: toolchain, logDirectory: root.url.appendingPathComponent("deploy/logs"))
        var options = FeedbackProcessor.Options(verify: true)
        options.changelogPath = "CHANGELOG.md"

        var outcomes = try await root.processor(options, verifier: verifier, publish: true).run()
        // Made on the new tip: a patch that edits the changelog itself gets no second entry.
        try root.drop(
            "3.json",
            [
                "version": 1, "id": "fb-own", "repo": "app", "description": "Own entry",
                "patch": try ApplyTests.diff(
                    root, ["CHANGELOG.md": "# Changelog\n\n- my own words (feedback `fb-own`)\n", "own.txt": "10\n"]),
            ])
        outcomes += try await root.processor(options, verifier: verifier, publish: true).run()

        for outcome in outcomes {
            guard case .applied = outcome else {
                Issue.record("not applied: \(outcome)")
                return
            }
        }
        let remote = root.remotes["app"]!.path
        let log = try Shell.check(["git", "--git-dir", remote, "log", "--format=%s", "--name-only", "main~3..main"])
        #expect(
            log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                == [
                    "Own entry", "", "CHANGELOG.md", "own.txt", "Eight", "", "CHANGELOG.md", "eight.txt", "Six", "",
                    "CHANGELOG.md", "value.txt",
                ])
        let changelog = try Shell.check(["git", "--git-dir", remote, "show", "main~1:CHANGELOG.md"])
        let lines = changelog.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(changelog)")
        #expect(lines[1].hasSuffix(": Eight (feedback `fb-eight`)"), "\(changelog)")
        #expect(lines[2].hasSuffix(": Six (feedback `fb-six`)"), "\(changelog)")
        #expect(lines[3] == "- 2026-01-01: Initial (feedback `seed`)")
        #expect(try Shell.check(["git", "--git-dir", remote, "show", "main:CHANGELOG.md"]).contains("my own words"))
    }
}
