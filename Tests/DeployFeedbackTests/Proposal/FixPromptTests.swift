import DeployBuild
import DeployFeedback
import DeployTestSupport
import Foundation
import Testing

/// The prompt: what it holds, which files it allows, and the size budget.
@Suite struct FixPromptTests {
    /// A checkout of the red fixture package (no git needed: the prompt reads files).
    func checkout(_ scratch: ScratchDirectory, extra: [String: String] = [:]) throws -> URL {
        let folder = scratch.appending("svc")
        try GitFixture(scratch: scratch).write(
            SwiftPackageFixture.files(name: "Svc", value: 41).merging(extra) { $1 }, in: folder)
        return folder
    }

    func request(_ folder: URL, previous: [PreviousProposal] = [], changes: String? = nil) -> FixRequest {
        let report = BuildReport(
            diagnostics: [
                .init(
                    file: folder.appendingPathComponent("Sources/Svc/Answer.swift").path, line: 2, column: 12,
                    severity: .error, message: "cannot convert value of type 'String' to return type 'Int'"),
                .init(
                    file: folder.appendingPathComponent("Sources/Svc/Answer.swift").path, line: 2, column: 12,
                    severity: .error, message: "cannot convert value of type 'String' to return type 'Int'",
                    occurrences: 2),
                .init(
                    file: "/usr/lib/swift/Swift.swiftinterface", line: 1, column: 1, severity: .warning, message: "x"),
            ],
            tests: .init(
                passed: 0, failed: 1, skipped: 0,
                failures: [
                    .init(
                        suite: nil, name: "answerIsFortyTwo()", file: "AnswerTests.swift", line: 5,
                        message: "Expectation failed: (answer() → 41) == 42", framework: "swift-testing")
                ]))
        return FixRequest(
            repository: FeedbackRepository(name: "svc", directory: folder),
            commit: "0123456789abcdef0123456789abcdef01234567", report: report, changesSinceGreen: changes,
            greenCommit: changes == nil ? nil : "fedcba9876543210fedcba9876543210fedcba98", attempt: 1 + previous.count,
            previous: previous)
    }

    @Test func holdsTheErrorsTheFailingTestsTheirSourceAndTheFilesInvolved() async throws {
        try await ScratchDirectory.with { scratch in
            let folder = try checkout(scratch)
            let prompt = FixPrompt.make(for: request(folder), budget: 48 * 1024)
            #expect(prompt.files == ["Sources/Svc/Answer.swift", "Tests/SvcTests/AnswerTests.swift"])
            #expect(prompt.messages.map(\.role) == ["system", "user"])
            let user = prompt.messages[1].content
            #expect(user.components(separatedBy: "cannot convert value").count == 2, "distinct errors once")
            #expect(user.contains("- Sources/Svc/Answer.swift:2:12: error:"))
            #expect(user.contains(">    2 |     return 41"), "the source line of the error, marked")
            #expect(user.contains("answerIsFortyTwo() (swift-testing) at Tests/SvcTests/AnswerTests.swift:5"))
            #expect(user.contains(">    5 |     #expect(answer() == 42)"))
            #expect(!user.contains(folder.path), "paths are repository-relative")
            #expect(prompt.omitted.isEmpty)
            #expect(prompt.bytes == prompt.messages.reduce(0) { $0 + $1.content.utf8.count })
        }
    }

    @Test func earlierRejectionsAndTheChangesSinceGreenAreIncluded() async throws {
        try await ScratchDirectory.with { scratch in
            let folder = try checkout(scratch, extra: ["Sources/Svc/Helper.swift": "let helper = 1\n"])
            let previous = PreviousProposal(
                file: "proposed-svc-0123456789ab-1.json", attempt: 1, stage: .verify, code: "verification-failed",
                message: "build and tests failed", patch: "--- a/x\n+++ b/x\n",
                errors: ["\(folder.path)/Sources/Svc/Answer.swift:2: error: expected expression"])
            let changes =
                "diff --git a/Sources/Svc/Helper.swift b/Sources/Svc/Helper.swift\n--- a/Sources/Svc/Helper.swift\n"
                + "+++ b/Sources/Svc/Helper.swift\n@@ -1 +1 @@\n-let helper = 0\n+let helper = 1\n"
            let prompt = FixPrompt.make(for: request(folder, previous: [previous], changes: changes), budget: 48 * 1024)
            let user = prompt.messages[1].content
            #expect(user.contains("Attempt 1 (proposed-svc-0123456789ab-1.json) was rejected at stage verify"))
            #expect(user.contains("error: Sources/Svc/Answer.swift:2: error: expected expression"))
            #expect(user.contains("This is attempt 2."))
            #expect(user.contains("## Changes since the last green build (fedcba987654)"))
            #expect(prompt.files.contains("Sources/Svc/Helper.swift"), "files the commit changed are involved")
        }
    }

    @Test func staysWithinTheBudgetCuttingTheLeastImportantFirst() async throws {
        try await ScratchDirectory.with { scratch in
            let big = (1...1000).map { "let value\($0) = \($0)  // padding padding padding" }.joined(separator: "\n")
            let folder = try checkout(scratch, extra: ["Sources/Svc/Big.swift": big + "\n"])
            for budget in [3000, 6000, 20_000] {
                let prompt = FixPrompt.make(for: request(folder), budget: budget)
                #expect(prompt.bytes <= budget, "budget \(budget): \(prompt.bytes) bytes")
                let user = prompt.messages[1].content
                #expect(user.contains("cannot convert value"), "errors come first (budget \(budget))")
                #expect(!prompt.omitted.isEmpty)
                #expect(user.contains("Left out to fit the size budget"))
                #expect(prompt.files.contains("Sources/Svc/Big.swift"), "still involved, even when cut")
            }
        }
    }
}

/// What a prompt may carry out of the machine: files of the repository only, never through a committed symbolic
/// link, and never a secret.
@Suite struct FixPromptContainmentTests {
    static let token = "ghp_" + String(repeating: "S", count: 36)

    @Test func aCommittedSymbolicLinkIsNotFollowedIntoThePrompt() async throws {
        try await ScratchDirectory.with { scratch in
            let folder = try FixPromptTests().checkout(scratch)
            let secrets = scratch.appending("dispatcher.env")
            try "GITHUB_TOKEN=\(Self.token)\nROOT_ONLY=private-value\n".write(to: secrets, atomically: true, encoding: .utf8)
            // The erroring file is a link out of the repository, as a hostile commit could make it.
            let linked = folder.appendingPathComponent("Sources/Svc/Answer.swift")
            try FileManager.default.removeItem(at: linked)
            try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: secrets)
            let prompt = FixPrompt.make(for: FixPromptTests().request(folder), budget: 48 * 1024)
            let text = prompt.messages.map(\.content).joined()
            #expect(!text.contains("private-value") && !text.contains(Self.token))
            #expect(!prompt.files.contains("Sources/Svc/Answer.swift"), "a link is not a file the answer may touch")
        }
    }

    @Test func aFolderLinkOnTheWayIsNotFollowedEither() async throws {
        try await ScratchDirectory.with { scratch in
            let folder = try FixPromptTests().checkout(scratch)
            let outside = scratch.appending("outside")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try "let leaked = \"private-value\"\n".write(
                to: outside.appendingPathComponent("Answer.swift"), atomically: true, encoding: .utf8)
            let sources = folder.appendingPathComponent("Sources/Svc")
            try FileManager.default.removeItem(at: sources)
            try FileManager.default.createSymbolicLink(at: sources, withDestinationURL: outside)
            let prompt = FixPrompt.make(for: FixPromptTests().request(folder), budget: 48 * 1024)
            #expect(!prompt.messages.map(\.content).joined().contains("private-value"))
        }
    }

    @Test func secretsInTheRepositoryAreRedactedFromThePrompt() async throws {
        try await ScratchDirectory.with { scratch in
            let folder = try FixPromptTests().checkout(scratch)
            let answer = folder.appendingPathComponent("Sources/Svc/Answer.swift")
            let source = try String(contentsOf: answer, encoding: .utf8)
            let basic = Data("x-access-token:configured-secret-value".utf8).base64EncodedString()
            try (source + "// \(Self.token) configured-secret-value \(basic)\n").write(
                to: answer, atomically: true, encoding: .utf8)
            let prompt = FixPrompt.make(for: FixPromptTests().request(folder), budget: 48 * 1024)
                .redacting(SecretRedactor(secrets: ["configured-secret-value"]))
            let text = prompt.messages.map(\.content).joined()
            #expect(text.contains("return 41"), "the file is there")
            #expect(!text.contains(Self.token) && !text.contains("configured-secret-value"))
            #expect(!text.contains(String(Data("configured-secret-value".utf8).base64EncodedString().dropFirst(8).prefix(12))))
            #expect(prompt.bytes == prompt.messages.reduce(0) { $0 + $1.content.utf8.count })
        }
    }
}
