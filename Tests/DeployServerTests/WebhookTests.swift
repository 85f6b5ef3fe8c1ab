import DeployCore
import Foundation
import Testing

@testable import DeployServer

@Suite("Webhook signatures, push payloads and matching a push to repositories")
struct WebhookTests {
    @Test func gitHubsDocumentedExampleSignatureIsValidAndAnythingElseIsNot() {
        // docs.github.com, "Validating webhook deliveries": this secret and payload give this signature.
        let signature = WebhookSignature(secret: "It's a Secret to Everybody")
        let body = Data("Hello, World!".utf8)
        let expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(signature.sign(body) == expected)
        #expect(signature.isValid("sha256=" + expected, prefix: "sha256=", body: body))
        #expect(signature.isValid("sha256=" + expected.uppercased(), prefix: "sha256=", body: body))
        #expect(signature.isValid(expected, prefix: "", body: body), "Gitea's form has no prefix")
        #expect(!signature.isValid(expected, prefix: "sha256=", body: body), "GitHub's form needs its prefix")
        #expect(!signature.isValid("sha256=" + expected, prefix: "sha256=", body: Data("Hello, World?".utf8)))
        #expect(!WebhookSignature(secret: "another").isValid(expected, body: body))
        let forgeries: [String?] = [
            nil, "", "sha256=", "sha256=" + String(expected.dropLast(2)), "sha256=" + expected + "00",
            "sha1=" + expected, "sha256=" + String(repeating: "zz", count: 32), "sha256= " + expected,
        ]
        for forged in forgeries {
            #expect(!signature.isValid(forged, prefix: "sha256=", body: body), "\(forged ?? "nil")")
        }
    }

    @Test func aPushPayloadIsReadStrictlyAndWhatIsNotOneIsRefusedWithItsReason() throws {
        let push = try PushEvent(
            json: Data(#"{"ref": "refs/heads/main", "repository": {"full_name": "acme/api", "clone_url": "https://github.com/acme/api.git", "ssh_url": "git@github.com:acme/api.git"}}"#.utf8))
        #expect(push.branch == "main")
        #expect(push.fullName == "acme/api")
        #expect(push.urls == ["https://github.com/acme/api.git", "git@github.com:acme/api.git"])
        #expect(PushEvent(ref: "refs/tags/v1", fullName: nil, urls: []).branch == nil)
        let refusals: [(String, String)] = [
            ("not json", "the body is not JSON"),
            ("[]", "the body is not a JSON object"),
            (#"{"repository": {}}"#, "the payload has no 'ref'"),
            (#"{"ref": "refs/heads/main"}"#, "the payload has no 'repository' object"),
            (#"{"ref": "refs/heads/main", "ref": "refs/heads/evil", "repository": {}}"#, "the body is not JSON"),
            (String(repeating: "[", count: 10_000), "the body is not JSON"),
        ]
        for (body, reason) in refusals {
            #expect(throws: PushEvent.Malformed.self) { try PushEvent(json: Data(body.utf8)) }
            do { _ = try PushEvent(json: Data(body.utf8)) } catch {
                #expect(error.description.hasPrefix(reason), "\(body.prefix(40)): \(error.description)")
            }
        }
    }

    @Test func aRemoteIsItsHostAndPathWhateverTheURLsSpelling() {
        typealias Identity = PushMatcher.RemoteIdentity
        let api = Identity("https://github.com/acme/api.git")
        #expect(api == Identity("https://github.com/Acme/API"))
        #expect(api == Identity("https://token@github.com:443/acme/api/"))
        #expect(api == Identity("git@github.com:acme/api.git"))
        #expect(api == Identity("ssh://git@github.com:22/acme/api.git"))
        #expect(api != Identity("https://github.com/acme/api-old.git"))
        #expect(api != Identity("https://gitlab.com/acme/api.git"))
        #expect(Identity("/srv/git/api.git") == Identity("file:///srv/git/api.git"))
        #expect(Identity("/srv/git/api.git") != api)
        #expect(Identity("api") == nil)
        #expect(Identity("https://github.com") == nil)
    }

    @Test func aPushNamesTheRepositoriesWhoseRemoteAndBranchItMoved() throws {
        let matcher = PushMatcher(targets: [
            .init(name: try RepositoryName("api"), remote: .init("https://github.com/acme/api.git")!, branch: "main"),
            .init(name: try RepositoryName("api-staging"), remote: .init("https://github.com/acme/api.git")!, branch: "staging"),
            .init(name: try RepositoryName("web"), remote: .init("git@github.com:acme/web.git")!, branch: "main"),
        ])
        func push(_ ref: String, _ urls: [String], fullName: String? = nil) -> [String] {
            matcher.repositories(for: PushEvent(ref: ref, fullName: fullName, urls: urls)).map(\.rawValue)
        }
        #expect(push("refs/heads/main", ["https://github.com/acme/api.git"]) == ["api"])
        #expect(push("refs/heads/staging", ["https://github.com/acme/api.git"]) == ["api-staging"])
        #expect(push("refs/heads/main", [], fullName: "acme/web") == ["web"], "full_name against the remote's path")
        #expect(push("refs/heads/main", ["https://github.com/acme/web"]) == ["web"])
        #expect(push("refs/heads/dev", ["https://github.com/acme/api.git"]) == [])
        #expect(push("refs/tags/v1", ["https://github.com/acme/api.git"]) == [])
        #expect(push("refs/heads/main", ["https://github.com/evil/api.git"], fullName: "evil/api") == [])
    }
}
