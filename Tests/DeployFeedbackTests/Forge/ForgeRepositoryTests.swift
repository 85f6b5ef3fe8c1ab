@testable import DeployFeedback
import Foundation
import Testing

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
        #expect(throws: ForgeError.self) { try ForgeRepository.parse(remoteURL: "https://host/") }
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
            verification: FeedbackVerification(outcome: "passed", report: report, seconds: 3.5))
        #expect(body.hasPrefix("Fix the greeting\n\nIt said hello twice."))
        #expect(body.contains("Feedback-Id: `fb-7`"))
        #expect(body.contains("- Verification: **passed** in 3.5 s (tests: 12 passed, 0 failed, 1 skipped)"))
        #expect(PullRequestBody.make(description: "", feedbackID: "x", commit: "a", parent: "b", verification: nil).contains("not reported"))
    }
}
