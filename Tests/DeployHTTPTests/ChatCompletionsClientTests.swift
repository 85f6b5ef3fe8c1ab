import DeployFeedback
import DeployHTTP
import DeployTestSupport
import Foundation
import Testing

/// The chat-completions client against a local server that checks every request against the documented shapes.
@Suite struct ChatCompletionsClientTests {
    static let key = TestSecrets.openAIKey
    static let model = "test-model-1"

    /// Records the waits instead of spending them.
    final class Waits: @unchecked Sendable {
        private let lock = NSLock()
        private var recorded: [Duration] = []
        var all: [Duration] { lock.withLock { recorded } }
        func add(_ duration: Duration) { lock.withLock { recorded.append(duration) } }
    }

    func client(
        _ server: ChatCompletionsServer, key: String = key, timeout: Duration = .seconds(10), waits: Waits? = nil,
        log: CapturedLog = CapturedLog()
    )
        -> ChatCompletionsClient
    {
        ChatCompletionsClient(
            baseURL: server.apiBase, apiKey: key,
            options: ChatCompletionsClient.Options(
                model: Self.model, timeout: timeout, maxRetries: 2,
                sleep: { duration in waits?.add(duration) }),
            logger: log.logger())
    }

    @Test func sendsTheDocumentedRequestAndReadsTheFirstChoice() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model, maxBytes: 1000)
        defer { server.stop() }
        try await server.script(.fix, [.content("Here you go.")])
        let answer = try await client(server).complete([.system("You fix code."), .user("Please fix it.")])
        #expect(answer.content == "Here you go.")
        #expect(answer.model == Self.model)
        #expect(answer.id.hasPrefix("chatcmpl-"))
        #expect(answer.finishReason == "stop")
        let report = try await server.report()
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.requests.count == 1)
        #expect(report.requests.first?.authorizationOK == true)
        #expect(report.requests.first?.messages.map(\.role) == ["system", "user"])
        #expect(report.requests.first?.bytes == "You fix code.Please fix it.".utf8.count)
    }

    @Test func waitsOutA429WithRetryAfterThenSucceeds() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        try await server.script(
            .fix, [.status(429, headers: ["Retry-After": "7"], message: "Rate limit reached"), .content("done")])
        let waits = Waits()
        let log = CapturedLog()
        let answer = try await client(server, waits: waits, log: log).complete([.user("fix")])
        #expect(answer.content == "done")
        #expect(waits.all == [.seconds(7)], "the wait the server asked for, not a guess")
        // Logged as the model's wait, not a forge's.
        let wait = try #require(log.entries.first { $0.message.hasSuffix("waiting before retrying") })
        #expect(wait.message == "model: waiting before retrying")
        #expect(wait.metadata["deploy.model.wait"] == "7.0")
        let report = try await server.report()
        #expect(report.requests.count == 2)
        #expect(report.violations.isEmpty, "\(report.violations)")
    }

    @Test func aRateLimitThatOutlastsTheRetriesIsAnError() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        try await server.script(.fix, Array(repeating: .status(429, headers: ["Retry-After": "1"]), count: 3))
        let waits = Waits()
        let error = try await #require(throws: HTTPError.self) {
            try await client(server, waits: waits).send([.user("fix")])
        }
        #expect(error.code == .rateLimited)
        #expect(error.status == 429)
        #expect(waits.all.count == 2)
    }

    @Test func aHangingServerIsATimeoutWithinTheRequestTimeout() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        try await server.script(.fix, [.hang(seconds: 30)])
        let error = try await #require(throws: HTTPError.self) {
            try await client(server, timeout: .seconds(1)).send([.user("fix")])
        }
        #expect(error.code == .timedOut)
        #expect(try await server.report().requests.count == 1, "a timed-out request is not sent again")
    }

    @Test func aRefusedKeyIsUnauthorizedAndTheKeyIsNotInTheError() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        let wrong = TestSecrets.wrongOpenAIKey
        let error = try await #require(throws: HTTPError.self) {
            try await client(server, key: wrong).send([.user("fix")])
        }
        #expect(error.code == .unauthorized)
        #expect(error.status == 401)
        #expect(error.description.contains("Incorrect API key"))
        #expect(!error.description.contains(wrong))
        #expect(try await server.report().requests.first?.authorizationOK == false)
    }

    @Test func anAnswerThatIsNotAChatCompletionIsMalformed() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        try await server.script(.fix, [.raw(#"{"result": "fixed"}"#), .raw(#"{"choices": []}"#)])
        let first = try await #require(throws: HTTPError.self) { try await client(server).send([.user("x")]) }
        #expect(first.code == .malformedResponse)
        #expect(first.message.contains("not a chat.completion"))
        let second = try await #require(throws: HTTPError.self) { try await client(server).send([.user("x")]) }
        #expect(second.code == .malformedResponse)
    }

    @Test func anEmptyMessageIsAnAnswerFault() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        try await server.script(.fix, [.content("  \n")])
        let error = try await #require(throws: FeedbackError.self) {
            try await client(server).complete([.user("x")])
        }
        #expect(error.code == .emptyAnswer)
        #expect(error.code.isAnswerFault)
    }

    @Test func asAChatModelItsFailuresAreModelErrorsWithoutTheKey() async throws {
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model)
        defer { server.stop() }
        let wrong = TestSecrets.wrongOpenAIKey
        let model: any ChatModel = client(server, key: wrong)
        let error = try await #require(throws: FeedbackError.self) { try await model.complete([.user("fix")]) }
        #expect(error.code == .model)
        #expect(!error.code.isRejection, "an endpoint failure is retried later, not a rejected file")
        #expect(error.message.hasPrefix("unauthorized: POST http://127.0.0.1:"), "\(error)")
        #expect(error.message.contains("/chat/completions answered 401"))
        #expect(!error.description.contains(wrong))
    }
}
