import DeployFeedback
import DeployHTTPTestSupport
import DeployTestSupport
import Foundation
import Testing

@testable import DeployHTTP

/// Request bodies are typed `Encodable` values, encoded with the field names the API descriptions give, optional
/// fields left out rather than sent as `null`, and accepted by the contract servers.
@Suite struct RequestBodyTests {
    func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func aCommitStatusUsesTheAPIsNamesAndLeavesOutWhatIsNotSet() throws {
        let full = CommitStatusCreation(
            state: "success", context: "deployctl", description: "green", targetURL: "https://ci.example/1")
        #expect(
            try json(full)
                == #"{"context":"deployctl","description":"green","state":"success","target_url":"https://ci.example/1"}"#)
        let bare = CommitStatusCreation(state: "pending", context: "deployctl", description: nil, targetURL: nil)
        #expect(try json(bare) == #"{"context":"deployctl","state":"pending"}"#)
    }

    @Test func aChatRequestIsTheDocumentedShape() throws {
        let request = ChatCompletionsRequest(model: "m", messages: [.system("s"), .user("u")])
        #expect(
            try json(request)
                == #"{"messages":[{"content":"s","role":"system"},{"content":"u","role":"user"}],"model":"m"}"#)
        let warm = ChatCompletionsRequest(model: "m", messages: [.user("u")], temperature: 0.5)
        #expect(try json(warm).contains(#""temperature":0.5"#))
    }

    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func everyForgeBodyMatchesTheContract(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        defer { server.stop() }
        let forge = server.forge()
        let repository = ForgeRepository(owner: "octo", name: "app")
        let pull = try await forge.createPullRequest(
            PullRequestDraft(title: "Fix", body: "Body with \"quotes\" and /slashes/", head: "deployctl/fb", base: "main"),
            in: repository)
        try await forge.createStatus(
            CommitStatus(state: .pending), commit: String(repeating: "a", count: 40), in: repository)
        try await forge.createStatus(
            CommitStatus(state: .failure, description: "red", targetURL: "https://ci.example/log"),
            commit: String(repeating: "b", count: 40), in: repository)
        try await forge.createComment("A comment", pullRequest: pull.number, in: repository)
        try await server.expectNoViolations()
        let bodies = try await server.report().requests.filter { $0.method == "POST" }.map(\.body)
        #expect(bodies.count == 4)
        #expect(bodies.contains { $0.contains(#""target_url":"https://ci.example/log""#) })
        #expect(!bodies.contains { $0.contains("null") }, "absent fields are left out: \(bodies)")
    }
}
