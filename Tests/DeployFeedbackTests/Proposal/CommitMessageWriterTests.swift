import DeployFeedback
import DeployHTTP
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Commit messages generated from the staged diff, with a fallback to the description.
@Suite struct CommitMessageWriterTests {
    static let key = TestSecrets.openAIKey
    static let model = "test-model-3"
    static let patch =
        "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-hello\n+hello, world\n"

    func writer(_ server: ChatCompletionsServer, timeout: Duration = .seconds(10)) -> ChatCommitMessageWriter {
        ChatCommitMessageWriter(
            client: ChatCompletionsClient(
                baseURL: server.apiBase, apiKey: Self.key,
                options: ChatCompletionsClient.Options(model: Self.model, timeout: timeout)))
    }

    @Test func theMessageComesFromTheDiffAndTheFeedbackIdTrailerFollows() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        try await server.script(.commit, [.content("```\nGreet the world\n\nThe README now says hello, world.\n```")])
        let root = try DeployRoot()
        var processor = root.processor(.init(verify: false))
        processor.commitMessageWriter = writer(server)
        try root.drop("greet.json", ["repo": "app", "patch": Self.patch, "description": "Say hello", "id": "greet-1"])
        let outcomes = try await processor.run()
        guard case .applied(let record, _)? = outcomes.first else {
            Issue.record("expected applied, got \(outcomes)")
            return
        }
        let message = try Shell.check(["git", "log", "-1", "--format=%B", record.commit], in: root.checkout())
        #expect(message == "Greet the world\n\nThe README now says hello, world.\n\nFeedback-Id: greet-1")
        let report = try await server.report()
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.requests.first?.kind == "commit")
        #expect(report.requests.first?.userText.contains("+hello, world") == true, "the staged diff is sent")
        #expect(report.requests.first?.userText.contains("Say hello") == true)
    }

    @Test func aHangingEndpointFallsBackToTheDescriptionWithinTheTimeout() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        try await server.script(.commit, [.hang(seconds: 20)])
        let root = try DeployRoot()
        var processor = root.processor(.init(verify: false))
        processor.commitMessageWriter = writer(server, timeout: .seconds(1))
        try root.drop("greet.json", ["repo": "app", "patch": Self.patch, "description": "Say hello", "id": "greet-2"])
        let outcomes = try await processor.run()
        guard case .applied(let record, _)? = outcomes.first else {
            Issue.record("expected applied, got \(outcomes)")
            return
        }
        let message = try Shell.check(["git", "log", "-1", "--format=%B", record.commit], in: root.checkout())
        #expect(message == "Say hello\n\nFeedback-Id: greet-2")
    }

    @Test func cleaningDropsFencesQuotesAndTrailers() {
        #expect(ChatCommitMessageWriter.clean("\"Fix it\"\n\nBody.\nFeedback-Id: x\n") == "Fix it\n\nBody.")
        #expect(ChatCommitMessageWriter.clean("```\n\n```") == nil)
    }
}
