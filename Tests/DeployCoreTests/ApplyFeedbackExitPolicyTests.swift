import Testing

@testable import DeployCore

/// `deployctl apply-feedback`'s exit statuses, for a batch of files and for `--propose`.
@Suite struct ApplyFeedbackExitPolicyTests {
    static func record(_ outcome: FeedbackEventRecord.Outcome, restartFailure: String? = nil) -> FeedbackEventRecord {
        FeedbackEventRecord(
            repository: "app", file: "\(outcome).json", feedbackID: nil, outcome: outcome, commit: nil, detail: "",
            restartFailure: restartFailure)
    }

    @Test func aBatchExitsByItsWorstFile() {
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: []) == 0, "nothing pending")
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: [Self.record(.applied), Self.record(.checked)]) == 0)
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: [Self.record(.applied), Self.record(.rejected)]) == 1)
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: [Self.record(.wouldReject)]) == 1, "--dry-run")
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: [Self.record(.deferred)]) == 3)
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: [Self.record(.applied, restartFailure: "exited 1")]) == 3)
        #expect(
            ApplyFeedbackExitPolicy.exitStatus(for: [Self.record(.deferred), Self.record(.rejected)]) == 1,
            "a rejection wins over a deferral")
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: [Self.record(.applied)], cancelled: true) == 3)
    }

    static func run(fixed: Bool = false, stopped: Bool = false, last: ProposalAttemptRecord.Outcome?) -> ProposalRun {
        let attempts = last.map {
            [
                ProposalAttemptRecord(
                    repository: "app", commit: "abc", attempt: 1, limit: 3, file: nil, outcome: $0, detail: "",
                    model: "m")
            ]
        } ?? []
        return ProposalRun(
            repository: "app", commit: "abc", attempts: attempts, feedback: [], fixed: fixed, stopped: stopped,
            summary: "")
    }

    @Test func aProposalRunExitsZeroOnlyWhenFixedOrThereWasNothingToFix() {
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: Self.run(fixed: true, last: .applied)) == 0)
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: Self.run(last: nil)) == 0, "no red build")
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: Self.run(stopped: true, last: nil)) == 1, "attempts used up")
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: Self.run(last: .rejected)) == 1)
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: Self.run(last: .failed)) == 3, "the endpoint failed")
        #expect(ApplyFeedbackExitPolicy.exitStatus(for: Self.run(last: .deferred)) == 3)
    }
}
