import Foundation
import Testing

@testable import DeployFeedback
@testable import DeployHTTP

@Suite("Forge repository names and branch names")
struct ForgeRepositoryTests {
    @Test(arguments: [
        ("https://github.com/octo/app.git", "octo", "app"),
        ("https://github.com/octo/app", "octo", "app"),
        ("https://x-access-token:secret@github.example.com/octo/app.git/", "octo", "app"),
        ("git@github.com:octo/app.git", "octo", "app"),
        ("ssh://git@gitea.example.com:2222/team/service.git", "team", "service"),
        ("https://gitlab.example.com/group/sub/owner/repo.git", "owner", "repo"),
        ("/srv/git/owner/repo.git", "owner", "repo"),
    ])
    func ownerAndNameComeFromTheLastTwoSegments(url: String, owner: String, name: String) throws {
        let repository = try ForgeRepository.parse(remoteURL: url)
        #expect(repository == ForgeRepository(owner: owner, name: name))
    }

    @Test func aURLWithoutTwoSegmentsIsRefusedWithoutEchoingCredentials() {
        #expect(throws: HTTPError.self) { try ForgeRepository.parse(remoteURL: "https://host/") }
        do {
            _ = try ForgeRepository.parse(remoteURL: "https://user:hunter2@host/only")
            Issue.record("parsed")
        } catch {
            #expect(error.code == .invalidURL)
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func pullRequestBranchesAreStableValidRefNames() {
        #expect(PullRequestPublisher.branchName(for: "fb-1") == "deployctl/fb-1")
        #expect(PullRequestPublisher.branchName(for: "agent:42") == "deployctl/agent-42")
        #expect(PullRequestPublisher.branchName(for: "a..b.") == "deployctl/a.b")
        #expect(PullRequestPublisher.branchName(for: "x.lock") == "deployctl/x.lock-")
        #expect(FeedbackNames.isValidBranchName(PullRequestPublisher.branchName(for: "agent:42..x.lock")))
    }

    @Test func theBodyCarriesTheDescriptionAndTheVerificationReport() {
        let report = JSONValue.object([
            "tests": .object([
                "passed": .number(12), "failed": .number(0), "skipped": .number(1), "failures": .array([]),
            ])
        ])
        let body = PullRequestBody.make(
            description: "Fix the greeting\n\nIt said hello twice.", feedbackID: "fb-7", commit: "abc", parent: "def",
            verification: FeedbackVerification(outcome: .passed, report: report, seconds: 3.5))
        #expect(body.hasPrefix("Fix the greeting\n\nIt said hello twice."))
        #expect(body.contains("Feedback-Id: `fb-7`"))
        #expect(body.contains("- Verification: **passed** in 3.5 s (tests: 12 passed, 0 failed, 1 skipped)"))
        #expect(
            PullRequestBody.make(description: "", feedbackID: "x", commit: "a", parent: "b", verification: nil)
                .contains("not reported"))
    }
}

@Suite("Forge endpoints from remote URLs")
struct ForgeEndpointTests {
    @Test func gitHubAndEnterpriseAndGiteaAreDerivedFromTheHost() throws {
        let github = try ForgeEndpoint.resolve(remoteURL: "git@github.com:octo/app.git")
        #expect(github.kind == .github)
        #expect(github.apiBase.absoluteString == "https://api.github.com")
        #expect(github.repository == ForgeRepository(owner: "octo", name: "app"))

        let enterprise = try ForgeEndpoint.resolve(remoteURL: "https://github.corp.example/team/svc.git")
        #expect(enterprise.kind == .github)
        #expect(enterprise.apiBase.absoluteString == "https://github.corp.example/api/v3")

        let gitea = try ForgeEndpoint.resolve(remoteURL: "ssh://git@code.example.org:2222/team/svc.git")
        #expect(gitea.kind == .gitea)
        #expect(gitea.apiBase.absoluteString == "https://code.example.org/api/v1")
    }

    @Test func settingsOverrideTheGuess() throws {
        let base = try #require(URL(string: "http://127.0.0.1:8080"))
        let endpoint = try ForgeEndpoint.resolve(
            remoteURL: "https://x-access-token:secret@git.example.org/o/r.git", kind: .github, apiBase: base)
        #expect(endpoint.kind == .github)
        #expect(endpoint.apiBase == base)
        #expect(endpoint.forge(token: "t").kind == .github)
        #expect(throws: HTTPError.self) { try ForgeEndpoint.resolve(remoteURL: "/srv/git/o/r.git") }
    }
}
