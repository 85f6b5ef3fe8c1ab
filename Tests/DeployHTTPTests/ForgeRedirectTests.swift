import DeployFeedback
import DeployHTTPTestSupport
import DeployTestSupport
import Foundation
import Testing

@testable import DeployHTTP

/// A forge's token goes only to its API base's scheme, host and port: a redirect to a second forge on another port of
/// 127.0.0.1 (which would accept the same token) is refused before anything reaches it, a redirect within the same
/// origin (a renamed repository) is still followed, and a plain-http base that is not loopback gets nothing at all.
@Suite struct ForgeRedirectTests {
    static let repository = ForgeRepository(owner: "octo", name: "app")
    static let draft = PullRequestDraft(title: "Fix the README", body: "Body", head: "deployctl/fb-1", base: "main")

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aRedirectToAnotherPortIsRefusedAndTheTokenNeverReachesIt(flavor: ForgeContractServer.Flavor) async throws {
        let second = try ForgeContractServer(flavor: flavor)
        defer { second.stop() }
        let first = try ForgeContractServer(flavor: flavor)
        defer { first.stop() }
        let forge = first.forge()
        _ = try await forge.createPullRequest(Self.draft, in: Self.repository)
        let path = "/repos/octo/app/pulls/1"
        try await first.inject([
            .init("GET", path, status: 307, headers: ["Location": second.apiBase.absoluteString + path])
        ])

        let error = try #require(
            await httpError { () async throws(HTTPError) in
                try await forge.pullRequest(number: 1, in: Self.repository)
            })
        #expect(error.code == .redirectRefused)
        #expect(error.status == 307)
        #expect(error.message.contains("http://127.0.0.1:\(second.port)"), "names the refused origin")
        #expect(!error.description.contains(first.token))
        #expect(!error.isTransient)
        #expect(try await second.report().requests.isEmpty, "the second origin was never contacted")
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func aRedirectWithinTheSameOriginIsFollowed(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        defer { server.stop() }
        let forge = server.forge()
        _ = try await forge.createPullRequest(Self.draft, in: Self.repository)
        // What a forge answers for a renamed repository: 301 to the new name, on the same host.
        try await server.inject([
            .init(
                "GET", "/repos/octo/old-name/pulls/1", status: 301,
                headers: ["Location": server.apiBase.absoluteString + "/repos/octo/app/pulls/1"])
        ])

        let pull = try await forge.pullRequest(number: 1, in: ForgeRepository(owner: "octo", name: "old-name"))
        #expect(pull.number == 1)
        let gets = try await server.report().requests.filter { $0.method == "GET" }
        #expect(gets.map(\.status) == [301, 200])
        try await server.expectNoViolations()
    }

    @Test func aTokenIsNeverSentOverPlainHTTPToAHostThatIsNotLoopback() async throws {
        let base = try #require(URL(string: "http://example.invalid/api/v3"))
        let token = TestSecrets.forgeToken
        let forges: [any Forge] = [GitHubForge(apiBase: base, token: token), GiteaForge(apiBase: base, token: token)]
        for forge in forges {
            let error = try #require(
                await httpError { () async throws(HTTPError) in
                    try await forge.pullRequest(number: 1, in: Self.repository)
                })
            // Refused before connecting: example.invalid never resolves, so an attempt would be a network error.
            #expect(error.code == .insecureTransport, "\(error)")
            #expect(error.message.contains("example.invalid") && error.message.contains("https"))
            #expect(!error.description.contains(token))
        }
    }
}
