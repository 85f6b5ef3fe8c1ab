import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Verification with the real toolchain on a tiny real package (the only real `swift` builds of this target: two).
@Suite("Verification before publishing")
struct VerificationTests {
    static let package: [String: String] = [
        "Package.swift": """
        // swift-tools-version: 6.0
        import PackageDescription

        let package = Package(
            name: "Tiny",
            targets: [.target(name: "Tiny"), .testTarget(name: "TinyTests", dependencies: ["Tiny"])]
        )

        """,
        "Sources/Tiny/Tiny.swift": "public func double(_ x: Int) -> Int { x * 2 }\n",
        "Tests/TinyTests/TinyTests.swift": """
        import Testing
        import Tiny

        @Test func doubling() {
            #expect(double(21) == 42)
        }

        """,
        ".gitignore": ".build/\n",
    ]

    @Test func aRedPatchIsRejectedWithTheFailingTestAndAGreenOneIsPushed() async throws {
        let root = try DeployRoot(files: Self.package)
        let red = try ApplyTests.diff(
            root, ["Sources/Tiny/Tiny.swift": "public func double(_ x: Int) -> Int { x * 3 }\n"])
        let green = try ApplyTests.diff(
            root,
            [
                "Sources/Tiny/Tiny.swift": "public func double(_ x: Int) -> Int { x + x }\n",
                "Tests/TinyTests/MoreTests.swift":
                    "import Testing\nimport Tiny\n\n@Test func zero() {\n    #expect(double(0) == 0)\n}\n",
            ])
        try root.drop(
            "1-red.json", ["version": 1, "id": "fb-red", "repo": "app", "patch": red, "description": "Triple it"])
        try root.drop(
            "2-green.json", ["version": 1, "id": "fb-green", "repo": "app", "patch": green, "description": "Add it"])
        let toolchain = try await ToolchainLocator(probe: .current(environment: ProcessInfo.processInfo.environment))
            .locate()
        let verifier = FeedbackVerifier(
            settings: RepositoryBuildSettings(retryFailedTests: false), toolchain: toolchain,
            logDirectory: root.url.appendingPathComponent("deploy/logs"))
        let remoteBefore = try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main"])

        let outcomes = try await root.processor(verifier: verifier, publish: true).run()

        guard case .rejected(let rejection, _) = outcomes[0] else {
            Issue.record("red patch not rejected: \(outcomes[0])")
            return
        }
        #expect(rejection.code == .verificationFailed)
        #expect(rejection.stage == .verify)
        #expect(rejection.message.contains("doubling"), "\(rejection.message)")
        let report = try #require(rejection.verification?.report)
        guard case .object(let fields) = report, case .object(let tests)? = fields["tests"],
            case .array(let failures)? = tests["failures"], case .object(let failure)? = failures.first
        else {
            Issue.record("no failures in the report: \(report)")
            return
        }
        #expect(failure["name"].map { "\($0)" }?.contains("doubling") == true, "\(failure)")
        #expect(rejection.verification?.outcome == .failed)
        #expect(FileManager.default.fileExists(atPath: rejection.verification?.logFile ?? "/nonexistent"))

        guard case .applied(let applied, _) = outcomes[1] else {
            Issue.record("green patch not applied: \(outcomes[1])")
            return
        }
        #expect(applied.verification.outcome == .passed)
        let remoteAfter = try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main"])
        #expect(remoteAfter == applied.commit)
        #expect(
            try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main~1"]) == remoteBefore)
        #expect(try root.trailers() == ["fb-green"])
        #expect(try root.git(["status", "--porcelain"]) == "")
        // The throwaway worktree is gone; its `.build` is kept aside for the next verification (incremental builds).
        let folders = try FileManager.default.contentsOfDirectory(
            atPath: root.folder.url.appendingPathComponent("worktrees/deployctl-feedback").path)
        #expect(folders.count == 1 && folders[0].hasSuffix("-deployctl-feedback.build-cache"), "\(folders)")
        // The throwaway worktrees are gone.
        #expect(try root.git(["worktree", "list"]).split(separator: "\n").count == 1)
    }
}
