@testable import DeployCore
import DeployFeedback
import DeployHTTP
import DeployTestSupport
import Foundation
import Testing

/// Which forge API a repository's remote is sent to: the manifest's `forge`/`forgeAPI`, then `GITHUB_API_URL` for
/// github.com and for the host of `GITHUB_API_URL` itself (GitHub Enterprise), then a guess from the host.
@Suite struct ForgeRoutingTests {
    /// The endpoint of `remote` (repository `svc`) with `GITHUB_API_URL` set to `apiURL` (when given) and `manifest`.
    func endpoint(
        _ remote: String, githubAPIURL apiURL: String? = nil, manifest: String = #"{"repositories": []}"#
    ) throws -> ForgeEndpoint {
        try ScratchDirectory.withSync(prefix: "forge-routing") { scratch in
            let environment = apiURL.map { ["GITHUB_API_URL": $0] } ?? [:]
            let configuration = try ConfigurationLoader(environment: environment).load(root: scratch.url)
            return try ForgeRoutingPublisher.endpoint(
                remoteURL: remote, repository: "svc",
                manifest: try Manifest.parse(Data(manifest.utf8), path: "deployctl.json"),
                configuration: configuration)
        }
    }

    @Test(arguments: [
        "https://ghe.example.com/team/svc.git",
        "https://deploy@ghe.example.com:8443/team/svc.git",
        "ssh://git@ghe.example.com:2222/team/svc.git",
        "git@ghe.example.com:team/svc.git",
        "https://GHE.example.com/team/svc",
    ])
    func aRemoteOnTheHostOfGitHubAPIURLIsGitHubAtThatURL(remote: String) throws {
        let endpoint = try endpoint(remote, githubAPIURL: "https://ghe.example.com/api/v3")
        #expect(endpoint.kind == .github)
        #expect(endpoint.apiBase.absoluteString == "https://ghe.example.com/api/v3")
        #expect(endpoint.repository == ForgeRepository(owner: "team", name: "svc"))
    }

    @Test func aRemoteOnTheHostWithoutTheAPIsLeadingApiIsGitHubToo() throws {
        // GitHub Enterprise Cloud with data residency: git on NAME.ghe.com, the API on api.NAME.ghe.com.
        let endpoint = try endpoint("https://octo.ghe.com/team/svc.git", githubAPIURL: "https://api.octo.ghe.com")
        #expect(endpoint.kind == .github)
        #expect(endpoint.apiBase.absoluteString == "https://api.octo.ghe.com")
    }

    @Test func aGitHubComRemoteUsesGitHubAPIURLInEveryURLForm() throws {
        for remote in ["https://github.com/octo/svc.git", "git@github.com:octo/svc.git"] {
            let endpoint = try endpoint(remote, githubAPIURL: "http://127.0.0.1:8080/api")
            #expect(endpoint.kind == .github, "\(remote)")
            #expect(endpoint.apiBase.absoluteString == "http://127.0.0.1:8080/api", "\(remote)")
        }
        let byDefault = try endpoint("git@github.com:octo/svc.git")
        #expect(byDefault.apiBase.absoluteString == "https://api.github.com")
    }

    @Test func anotherHostIsStillGuessedFromItsName() throws {
        let gitea = try endpoint(
            "https://code.example.org/team/svc.git", githubAPIURL: "https://ghe.example.com/api/v3")
        #expect(gitea.kind == .gitea)
        #expect(gitea.apiBase.absoluteString == "https://code.example.org/api/v1")
        let enterprise = try endpoint("https://github.corp.example/team/svc.git")
        #expect(enterprise.kind == .github)
        #expect(enterprise.apiBase.absoluteString == "https://github.corp.example/api/v3")
    }

    @Test func theManifestWinsOverTheHostOfGitHubAPIURL() throws {
        let manifest = #"""
            {"repositories": [{"name": "svc", "url": "https://ghe.example.com/team/svc.git", "forge": "gitea"}]}
            """#
        let endpoint = try endpoint(
            "https://ghe.example.com/team/svc.git", githubAPIURL: "https://ghe.example.com/api/v3", manifest: manifest)
        #expect(endpoint.kind == .gitea)
        #expect(endpoint.apiBase.absoluteString == "https://ghe.example.com/api/v1")
    }
}
