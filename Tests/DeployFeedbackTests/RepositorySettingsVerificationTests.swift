import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Verification of a repository that is not a Swift package, with its own (manifest) build and test commands.
@Suite("Verification with a repository's own commands")
struct RepositorySettingsVerificationTests {
    static let files: [String: String] = [
        "value.txt": "4\n",
        "build.sh": "set -e\nmkdir -p out\ncp value.txt out/value\necho built\n",
        "test.sh": "set -e\nv=$(cat out/value)\nif [ $((v % 2)) -ne 0 ]; then echo \"FAIL: $v is odd\"; exit 1; fi\necho ok\n",
        ".gitignore": "out/\n",
    ]

    @Test func aNonSwiftRepositoryIsVerifiedWithItsOwnBuildAndTestCommands() async throws {
        let root = try DeployRoot(files: Self.files)
        let red = try ApplyTests.diff(root, ["value.txt": "5\n"])
        let green = try ApplyTests.diff(root, ["value.txt": "6\n"])
        try root.drop("1-red.json", ["version": 1, "id": "fb-odd", "repo": "app", "patch": red])
        try root.drop("2-green.json", ["version": 1, "id": "fb-even", "repo": "app", "patch": green])
        let toolchain = try await ToolchainLocator(probe: .current(environment: ProcessInfo.processInfo.environment))
            .locate()
        let verifier = FeedbackVerifier(
            settings: RepositoryBuildSettings(retryFailedTests: false),
            repositorySettings: [
                "app": RepositoryBuildSettings(
                    buildCommand: ["sh", "build.sh"], testCommand: ["sh", "test.sh"], retryFailedTests: false)
            ],
            toolchain: toolchain, logDirectory: root.url.appendingPathComponent("deploy/logs"))
        #expect(verifier.settings(for: "app").testCommand == ["sh", "test.sh"])
        #expect(verifier.settings(for: "other").testCommand == nil)

        let outcomes = try await root.processor(verifier: verifier, publish: true).run()

        guard case .rejected(let rejection, _) = outcomes[0] else {
            Issue.record("odd value not rejected: \(outcomes[0])")
            return
        }
        #expect(rejection.code == .verificationFailed)
        #expect(rejection.logExcerpt?.contains("FAIL: 5 is odd") == true, "\(rejection.logExcerpt ?? "")")
        guard case .applied(let applied, _) = outcomes[1] else {
            Issue.record("even value not applied: \(outcomes[1])")
            return
        }
        #expect(applied.verification.outcome == .passed)
        let log = try String(contentsOfFile: try #require(applied.verification.logFile), encoding: .utf8)
        #expect(log.contains("built") && log.contains("ok"), "\(log)")
        #expect(
            try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main"]) == applied.commit)
        #expect(try root.trailers() == ["fb-even"])
    }
}
