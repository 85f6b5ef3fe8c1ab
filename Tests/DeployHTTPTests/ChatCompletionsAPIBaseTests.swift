import DeployFeedback
import DeployHTTP
import DeployTestSupport
import Foundation
import Testing

/// `OPENAI_API_BASE` may name the API base or the full chat-completions endpoint (as many Python clients take it);
/// requests go to `{base}/chat/completions` either way, never `…/chat/completions/chat/completions`.
@Suite struct ChatCompletionsAPIBaseTests {
    @Test(arguments: [
        ("https://api.openai.com/v1", "https://api.openai.com/v1"),
        ("https://api.openai.com/v1/", "https://api.openai.com/v1"),
        ("https://api.openai.com/v1/chat/completions", "https://api.openai.com/v1"),
        ("https://api.openai.com/v1/chat/completions/", "https://api.openai.com/v1"),
        ("https://api.openai.com/v1/Chat/Completions", "https://api.openai.com/v1"),
        ("http://127.0.0.1:8080/chat/completions", "http://127.0.0.1:8080"),
        ("https://llm.example.com/v1/chat/completions?version=2", "https://llm.example.com/v1?version=2"),
        ("https://llm.example.com/v1/completions", "https://llm.example.com/v1/completions"),
    ])
    func theBaseIsTheConfiguredURLWithoutATrailingEndpoint(configured: String, base: String) throws {
        let url = try #require(URL(string: configured))
        #expect(ChatCompletionsClient.apiBase(from: url).absoluteString == base)
    }

    @Test func aFullEndpointIsRequestedOnceAtChatCompletions() async throws {
        let server = try ChatCompletionsServer(key: TestSecrets.openAIKey, model: "test-model-1")
        defer { server.stop() }
        try await server.script(.fix, [.content("Here you go.")])
        let endpoint = server.apiBase.appendingPathComponent("chat/completions")
        let client = ChatCompletionsClient(
            baseURL: ChatCompletionsClient.apiBase(from: endpoint), apiKey: TestSecrets.openAIKey,
            options: ChatCompletionsClient.Options(model: "test-model-1", timeout: .seconds(10)))
        let answer = try await client.complete([.system("You fix code."), .user("Please fix it.")])
        #expect(answer.content == "Here you go.")
        let report = try await server.report()
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.requests.count == 1)
    }
}
