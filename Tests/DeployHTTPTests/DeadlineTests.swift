import DeployFeedback
import DeployTestSupport
import Foundation
import Testing

@testable import DeployHTTP

/// Every exchange has a deadline that covers the whole answer: a server that accepts and says nothing, or one that
/// sends its head and then stalls the body, is a timeout soon after the deadline, never a hang.
@Suite struct DeadlineTests {
    static let repository = ForgeRepository(owner: "octo", name: "app")

    func forge(_ server: StallingServer, timeout: Duration, retries: Int = 0, waits: RecordedWaits = RecordedWaits())
        -> GitHubForge
    {
        GitHubForge(
            apiBase: server.url, token: "deadline-token",
            policy: HTTPRetryPolicy(requestTimeout: timeout, maxRetries: retries, sleep: waits.sleep))
    }

    @Test func aServerThatNeverAnswersTimesOutAtTheDeadline() async throws {
        let server = try StallingServer(prefix: "")
        defer { server.close() }
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge(server, timeout: .milliseconds(700)).pullRequest(number: 1, in: Self.repository)
            })
        #expect(error.code == .timedOut)
        #expect(error.method == "GET")
        #expect(error.url == "http://127.0.0.1:\(server.port)/repos/octo/app/pulls/1")
        // The server's own clock: the transport hung up at the deadline (the test's task may resume much later).
        let lifetime = try #require(try await server.firstConnectionLifetime(), "the transport never hung up")
        #expect(lifetime >= .milliseconds(600), "not before the deadline: \(lifetime)")
        #expect(lifetime < .seconds(5), "soon after the deadline: \(lifetime)")
    }

    @Test func aBodyThatStallsAfterTheHeadTimesOutToo() async throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"number\": "
        let server = try StallingServer(prefix: head)
        defer { server.close() }
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge(server, timeout: .milliseconds(700)).pullRequest(number: 1, in: Self.repository)
            })
        #expect(error.code == .timedOut, "\(error)")
        let lifetime = try #require(try await server.firstConnectionLifetime(), "the transport never hung up")
        #expect(lifetime < .seconds(5), "the deadline covers the body, not only the head: \(lifetime)")
    }

    @Test func aTimedOutIdempotentRequestIsRetriedWithinThePolicyOnly() async throws {
        let server = try StallingServer(prefix: "")
        defer { server.close() }
        let waits = RecordedWaits()
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge(server, timeout: .milliseconds(300), retries: 2, waits: waits)
                    .pullRequest(number: 1, in: Self.repository)
            })
        #expect(error.code == .timedOut)
        #expect(waits.all == [.seconds(1), .seconds(2)], "two back-offs, then the error")
        #expect(server.connections == 3)
    }

    @Test func cancellingTheCallerEndsAStalledRequest() async throws {
        let server = try StallingServer(prefix: "")
        defer { server.close() }
        let forge = forge(server, timeout: .seconds(60))
        let task = Task {
            await httpError { () async throws(HTTPError) in try await forge.pullRequest(number: 1, in: Self.repository) }
        }
        while server.connections == 0 { try await Task.sleep(for: .milliseconds(20)) }
        let cancelled = ContinuousClock.now
        task.cancel()
        let error = try #require(await task.value)
        #expect(error.code == .cancelled)
        let hangUp = try #require(try await server.firstHangUp(), "the transport never hung up")
        #expect(hangUp - cancelled < .seconds(5), "ended by the cancellation, not by the 60 s deadline")
    }
}
