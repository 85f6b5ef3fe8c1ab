import Foundation
import Testing

@testable import DeployHTTP

/// A pull request's `state` decodes into ``PullRequestPayloadState``: the documented values, and any other string as
/// `unknown` (GitHub's `pull-request-simple` and Gitea's `StateType` declare only a string), never a decoding failure.
@Suite struct PullRequestStateTests {
    static func gitHub(state: String, merged: Bool? = nil) throws -> ForgePullRequest {
        let merged = merged.map { ", \"merged\": \($0)" } ?? ""
        let json = """
            {"number": 7, "title": "t", "state": \(state)\(merged), "head": {"ref": "h"}, "base": {"ref": "main"}}
            """
        return try JSONDecoder().decode(GitHubForge.Payload.self, from: Data(json.utf8)).pullRequest
    }

    static func gitea(_ fields: String) throws -> ForgePullRequest {
        try JSONDecoder().decode(GiteaForge.Payload.self, from: Data("{\"number\": 7\(fields)}".utf8)).pullRequest
    }

    @Test func theDocumentedStatesDecode() throws {
        #expect(try Self.gitHub(state: "\"open\"").mergeState == .open)
        #expect(try Self.gitHub(state: "\"closed\"").mergeState == .closed)
        #expect(try Self.gitHub(state: "\"closed\"", merged: true).mergeState == .merged(commit: nil))
        #expect(try Self.gitea(", \"state\": \"open\"").mergeState == .open)
        #expect(try Self.gitea(", \"state\": \"closed\", \"merged\": true").mergeState == .merged(commit: nil))
    }

    @Test(arguments: ["\"draft\"", "\"OPEN\"", "\"\""])
    func anUndocumentedStateIsUnknownAndNotOpen(state: String) throws {
        let decoded = try JSONDecoder().decode(PullRequestPayloadState.self, from: Data(state.utf8))
        #expect(decoded == .unknown)
        #expect(try Self.gitHub(state: state).isOpen == false)
        #expect(try Self.gitea(", \"state\": \(state)").isOpen == false)
    }

    @Test func giteaMayLeaveTheStateOut() throws {
        #expect(try Self.gitea("").isOpen == false)
        #expect(try Self.gitea(", \"state\": null").isOpen == false)
    }

    @Test func aStateThatIsNotAStringIsStillMalformed() {
        #expect(throws: DecodingError.self) { try Self.gitHub(state: "1") }
    }
}
