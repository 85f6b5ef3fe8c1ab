import DeployFeedback
import DeployHTTP
import DeployTestSupport
import Foundation
import Testing

/// The model key goes only to `OPENAI_API_BASE`'s scheme, host and port: a model server that redirects to a second
/// one on another port of 127.0.0.1 (which would accept the same key) gets the second one nothing, a redirect within
/// the same origin is followed with the key, and a plain-http base that is not loopback gets nothing at all.
@Suite struct ChatCompletionsRedirectTests {
    static let key = TestSecrets.openAIKey
    static let model = "test-model-1"

    func client(_ baseURL: URL) -> ChatCompletionsClient {
        ChatCompletionsClient(
            baseURL: baseURL, apiKey: Self.key,
            options: ChatCompletionsClient.Options(
                model: Self.model, timeout: .seconds(10), maxRetries: 2, sleep: { _ in }))
    }

    @Test(arguments: [302, 307, 308])
    func aRedirectToAnotherPortIsRefusedAndTheKeyNeverReachesIt(status: Int) async throws {
        let second = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { second.stop() }
        try await second.script(.fix, [.content("an answer the key paid for")])
        let first = try ChatCompletionsServer(
            key: Self.key, model: Self.model,
            redirect: .init(prefix: "/v1", to: "http://127.0.0.1:\(second.port)/v1", status: status))
        defer { first.stop() }

        let error = try await #require(throws: HTTPError.self) {
            try await client(first.apiBase).send([.system("You fix code."), .user("Please fix it.")])
        }
        #expect(error.code == .redirectRefused)
        #expect(error.status == status)
        #expect(error.message.contains("http://127.0.0.1:\(second.port)"), "names the refused origin")
        #expect(!error.description.contains(Self.key))
        let reached = try await second.report()
        #expect(reached.requests.isEmpty && reached.redirected.isEmpty, "the second origin was never contacted")
        #expect(try await first.report().redirected.count == 1, "refused once, not retried")
    }

    @Test func aRedirectWithinTheSameOriginIsFollowedWithTheKey() async throws {
        let server = try ChatCompletionsServer(
            key: Self.key, model: Self.model, redirect: .init(prefix: "/old", to: "/v1", status: 307))
        defer { server.stop() }
        try await server.script(.fix, [.content("Here you go.")])

        let base = try #require(URL(string: "http://127.0.0.1:\(server.port)/old"))
        let answer = try await client(base).complete([.system("You fix code."), .user("Please fix it.")])
        #expect(answer.content == "Here you go.")
        let report = try await server.report()
        #expect(report.redirected.map(\.path) == ["/old/chat/completions"])
        #expect(report.requests.map(\.authorizationOK) == [true])
        #expect(report.violations.isEmpty, "\(report.violations)")
    }

    @Test func aKeyIsNeverSentOverPlainHTTPToAHostThatIsNotLoopback() async throws {
        let base = try #require(URL(string: "http://example.invalid/v1"))
        let error = try await #require(throws: HTTPError.self) {
            try await client(base).send([.user("Please fix it.")])
        }
        // Refused before connecting: example.invalid never resolves, so an attempt would be a network error.
        #expect(error.code == .insecureTransport, "\(error)")
        #expect(error.message.contains("example.invalid") && error.message.contains("https"))
        #expect(!error.description.contains(Self.key))
    }
}
