import DeployFeedback
import DeployTestSupport
import Foundation
import Testing

@testable import DeployHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The contract server must catch a client that breaks the API description, or its "zero violations" means nothing.
@Suite("The contract server catches contract breaches")
struct ContractServerSelfTests {
    @Test func aGiteaClientTalkingToTheGitHubServerIsCaught() async throws {
        let server = try ForgeContractServer(flavor: .github)
        let forge = GiteaForge(apiBase: server.apiBase, token: server.token, policy: HTTPRetryPolicy(maxRetries: 0))
        _ = try? await forge.pullRequests(
            head: "b", base: nil, state: .open, in: ForgeRepository(owner: "o", name: "r"))
        let violations = try await server.report().violations
        #expect(violations.contains { $0.contains("Accept") })
        #expect(violations.contains { $0.contains("X-GitHub-Api-Version") })
        #expect(violations.contains { $0.contains("query parameter 'limit' is not declared") })
    }

    @Test func aGitHubClientTalkingToTheGiteaServerIsCaught() async throws {
        let server = try ForgeContractServer(flavor: .gitea)
        // Right base path, GitHub's auth form and a query parameter Gitea does not know.
        let forge = GitHubForge(apiBase: server.apiBase, token: server.token, policy: HTTPRetryPolicy(maxRetries: 0))
        _ = try? await forge.pullRequests(
            head: "b", base: "main", state: .open, in: ForgeRepository(owner: "o", name: "r"))
        let violations = try await server.report().violations
        #expect(violations.contains { $0.contains("Authorization header is not 'token <token>'") })
        #expect(violations.contains { $0.contains("query parameter 'head' is not declared") })
    }

    @Test func aBodyWithAWrongTypeOrAnUndeclaredFieldIsCaught() async throws {
        let server = try ForgeContractServer(flavor: .github)
        var request = URLRequest(url: server.apiBase.appendingPathComponent("repos/o/r/pulls"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(server.token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        request.setValue("2022-11-28", forHTTPHeaderField: "X-GitHub-Api-Version")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"head": 7, "title": "t", "colour": "red"}"#.utf8)
        _ = try await URLSession.shared.data(for: request)
        let violations = try await server.report().violations
        #expect(violations.contains { $0.contains("body.head: 7 is not of type string") })
        #expect(violations.contains { $0.contains("required field 'base' is missing") })
        #expect(violations.contains { $0.contains("field 'colour' is not declared") })
    }
}
