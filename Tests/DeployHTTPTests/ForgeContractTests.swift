import DeployFeedback
import DeployHTTPTestSupport
import DeployTestSupport
import Foundation
import Testing

@testable import DeployHTTP

/// Each forge client against the local contract server, which checks every request against the published API
/// description; the same scenarios for GitHub and Gitea.
@Suite("Forge clients against the contract server")
struct ForgeContractTests {
    static let repository = ForgeRepository(owner: "octo", name: "app")
    static let draft = PullRequestDraft(title: "Fix the README", body: "Body", head: "deployctl/fb-1", base: "main")

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func createGetListStatusAndComment(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let forge = server.forge()
        let created = try await forge.createPullRequest(Self.draft, in: Self.repository)
        #expect(created.number == 1)
        #expect(created.isOpen && !created.merged)
        #expect(created.head == "deployctl/fb-1")
        #expect(created.base == "main")
        #expect(created.webURL?.isEmpty == false)

        let fetched = try await forge.pullRequest(number: created.number, in: Self.repository)
        #expect(fetched.title == "Fix the README")
        #expect(try await forge.mergeState(of: 1, in: Self.repository) == .open)
        let listed = try await forge.pullRequests(
            head: "deployctl/fb-1", base: "main", state: .open, in: Self.repository)
        #expect(listed.map(\.number) == [1])
        #expect(
            try await forge.pullRequests(head: "deployctl/other", base: nil, state: .all, in: Self.repository).isEmpty)

        try await forge.createStatus(
            CommitStatus(state: .success, description: "build and tests passed", targetURL: "https://ci.invalid/1"),
            commit: String(repeating: "a", count: 40), in: Self.repository)
        try await forge.createComment("Build summary: green", pullRequest: 1, in: Self.repository)
        let report = try await server.report()
        #expect(report.comments.map(\.body) == ["Build summary: green"])
        let status = try #require(
            report.requests.first { $0.path.hasSuffix("/statuses/" + String(repeating: "a", count: 40)) })
        #expect(status.body.contains("\"state\":\"success\""))
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aWrongTokenIs401WithTheForgeMessageAndNeverTheToken(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let secret = "ghp_wrongSecret0123456789"
        let forge = server.forge(token: secret)
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.pullRequest(number: 1, in: Self.repository)
            })
        #expect(error.code == .unauthorized)
        #expect(error.status == 401)
        #expect(error.serverMessage == "Bad credentials")
        #expect(!error.description.contains(secret))
        #expect(!error.isTransient)
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aMissingPullRequestIs404(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let forge = server.forge()
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.pullRequest(number: 42, in: Self.repository)
            })
        #expect(error.code == .notFound)
        #expect(error.status == 404)
        #expect(error.operation.hasSuffix("/repos/octo/app/pulls/42"))
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aDuplicatePullRequestIsAValidationError(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let forge = server.forge()
        _ = try await forge.createPullRequest(Self.draft, in: Self.repository)
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.createPullRequest(Self.draft, in: Self.repository)
            })
        // GitHub answers 422 (validation-error), Gitea 409 for "already exists".
        #expect(error.code == (flavor == .github ? .validationFailed : .conflict))
        #expect(error.serverMessage?.contains("already exists") == true)
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func a422IsAValidationErrorWithTheForgeDetails(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let body =
            flavor == .github
            ? #"{"message":"Validation Failed","documentation_url":"https://docs.github.com","errors":[{"resource":"PullRequest","code":"invalid","field":"base","message":"base branch is invalid"}]}"#
            : #"{"message":"base branch is invalid","url":"https://gitea.invalid/api/swagger"}"#
        try await server.inject([.init("POST", "/repos/octo/app/pulls", status: 422, json: body)])
        let forge = server.forge()
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.createPullRequest(Self.draft, in: Self.repository)
            })
        #expect(error.code == .validationFailed)
        #expect(error.status == 422)
        #expect(error.serverMessage?.contains("base branch is invalid") == true)
        #expect(try await server.report().requests.count == 1, "a refused create is not retried")
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func a429WithRetryAfterIsWaitedOutThenRetried(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let waits = RecordedWaits()
        let forge = server.forge(waits: waits)
        _ = try await forge.createPullRequest(Self.draft, in: Self.repository)
        try await server.inject([
            .init(
                "GET", "/repos/octo/app/pulls/1", status: 429, headers: ["Retry-After": "1"],
                json: #"{"message":"slow down"}"#)
        ])
        let pull = try await forge.pullRequest(number: 1, in: Self.repository)
        #expect(pull.number == 1)
        #expect(waits.all == [.seconds(1)])
        let gets = try await server.report().requests.filter { $0.method == "GET" }
        #expect(gets.map(\.status) == [429, 200])
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func anExhaustedPrimaryLimitWaitsUntilTheReset(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let waits = RecordedWaits()
        let forge = server.forge(waits: waits)
        _ = try await forge.createPullRequest(Self.draft, in: Self.repository)
        let reset = Int(Date().timeIntervalSince1970) + 30
        try await server.inject([
            .init(
                "GET", "/repos/octo/app/pulls/1", status: 403,
                headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "\(reset)", "x-ratelimit-limit": "5000"],
                json: #"{"message":"API rate limit exceeded"}"#)
        ])
        let before = Date().timeIntervalSince1970
        _ = try await forge.pullRequest(number: 1, in: Self.repository)
        let after = Date().timeIntervalSince1970
        let wait = try #require(waits.all.first)
        #expect(waits.all.count == 1)
        // The answer came between `before` and `after` (waits are recorded, not slept): the wait runs to the reset.
        let shortest = Duration.seconds(Double(reset) - after - 1)
        let longest = Duration.seconds(Double(reset) - before + 1)
        #expect(wait >= shortest && wait <= longest, "waited until x-ratelimit-reset: \(wait)")
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aRateLimitLongerThanTheCapIsThrownWithItsWait(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let waits = RecordedWaits()
        let forge = server.forge(waits: waits)
        try await server.inject([
            .init(
                "GET", "/repos/octo/app/pulls/1", status: 429, headers: ["Retry-After": "3600"],
                json: #"{"message":"later"}"#)
        ])
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.pullRequest(number: 1, in: Self.repository)
            })
        #expect(error.code == .rateLimited)
        #expect(error.retryAfter == .seconds(3600))
        #expect(error.isTransient)
        #expect(waits.all.isEmpty, "no wait beyond the cap")
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func serverErrorsAreRetriedWithBackoffThenSucceed(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let waits = RecordedWaits()
        let forge = server.forge(waits: waits)
        _ = try await forge.createPullRequest(Self.draft, in: Self.repository)
        try await server.inject([
            .init("GET", "/repos/octo/app/pulls/1", status: 503, times: 2, json: #"{"message":"unavailable"}"#)
        ])
        let pull = try await forge.pullRequest(number: 1, in: Self.repository)
        #expect(pull.number == 1)
        #expect(waits.all == [.seconds(1), .seconds(2)], "exponential back-off")
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func persistentServerErrorsEndAfterTheBoundedRetries(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let forge = server.forge()
        try await server.inject([
            .init("GET", "/repos/octo/app/pulls/1", status: 502, times: 10, raw: "<html>bad gateway</html>")
        ])
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.pullRequest(number: 1, in: Self.repository)
            })
        #expect(error.code == .server)
        #expect(error.status == 502)
        #expect(try await server.report().requests.count == 3, "one try and two retries")
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func malformedJSONIsAClearError(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let forge = server.forge()
        try await server.inject([
            .init("GET", "/repos/octo/app/pulls/1", status: 200, raw: "{\"number\": 1, \"state\": ")
        ])
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.pullRequest(number: 1, in: Self.repository)
            })
        #expect(error.code == .malformedResponse)
        #expect(error.message.contains("not valid JSON"))
        // Valid JSON of the wrong shape is refused too, naming the field.
        try await server.inject([.init("GET", "/repos/octo/app/pulls/1", status: 200, json: #"{"number":"one"}"#)])
        let shape = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.pullRequest(number: 1, in: Self.repository)
            })
        #expect(shape.code == .malformedResponse)
        #expect(shape.message.contains("number"))
        try await server.expectNoViolations()
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aHangingServerHitsTheRequestTimeout(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        let waits = RecordedWaits()
        let forge = server.forge(waits: waits, requestTimeout: .seconds(2))
        _ = try await forge.createPullRequest(Self.draft, in: Self.repository)
        try await server.inject([.init("POST", "/repos/octo/app/pulls", hang: 20)])
        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.createPullRequest(Self.draft, in: Self.repository)
            })
        #expect(error.code == .timedOut)
        #expect(error.isTransient)
        #expect(waits.all.isEmpty, "a create that may have reached the forge is not sent again")
        // A read is retried after a timeout, within the bounded retries.
        try await server.inject([.init("GET", "/repos/octo/app/pulls/1", times: 3, hang: 20)])
        let read = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.pullRequest(number: 1, in: Self.repository)
            })
        #expect(read.code == .timedOut)
        #expect(waits.all == [.seconds(1), .seconds(2)])
        try await server.expectNoViolations()
    }
}
