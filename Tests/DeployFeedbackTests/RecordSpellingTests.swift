import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// The spellings the records in `feedback/applied/` and `feedback/rejected/`, the journal and `status` use for stages,
/// verification outcomes, publication kinds and claim phases (docs/feedback-format.md). Records are read back (the
/// ledger is rebuilt from `applied/`, a proposal's next prompt reads its rejection), so the spellings never change:
/// each enum's cases are listed here with their spelling, and a new case fails until it is pinned too.
@Suite struct RecordSpellingTests {
    @Test func stagesKeepTheirSpellings() throws {
        try pinSpellings(
            FeedbackStage.self,
            [
                .read: "read", .validate: "validate", .policy: "policy", .apply: "apply", .verify: "verify",
                .commit: "commit", .publish: "publish", .restart: "restart", .recover: "recover", .propose: "propose",
                .journal: "journal", .finish: "finish", .halt: "halt",
            ])
    }

    @Test func verificationOutcomesKeepTheirSpellings() throws {
        try pinSpellings(FeedbackVerification.Outcome.self, [.passed: "passed", .failed: "failed", .skipped: "skipped"])
    }

    @Test func publicationKindsKeepTheirSpellings() throws {
        try pinSpellings(
            FeedbackPublication.Kind.self,
            [.push: "push", .pullRequest: "pull-request", .noPublisher: "none", .local: "local"])
    }

    @Test func claimPhasesKeepTheirSpellings() throws {
        try pinSpellings(
            FeedbackClaimPhase.self,
            [
                .claimed: "claimed", .applying: "applying", .committed: "committed", .published: "published",
                .finishing: "finishing",
            ])
        #expect(FeedbackJournal.Phase.self == FeedbackClaimPhase.self, "the journal writes the same phases")
    }

    @Test func feedbackKindsKeepTheirSpellings() throws {
        #expect(FeedbackKind.patch.rawValue == "patch")
        #expect(FeedbackKind.restartRequest.rawValue == "restart")
    }

    /// A result record as earlier versions wrote it (`NAME.result.json`) reads back, and writes the same spellings.
    @Test func anAppliedRecordOfEarlierVersionsIsReadAndWrittenAlike() throws {
        let stored = #"""
            {
              "branch" : "main",
              "commit" : "c2",
              "description" : "Fix",
              "file" : "fb.json",
              "id" : "fb-1",
              "metadata" : {},
              "parent" : "c1",
              "paths" : ["README.md"],
              "publication" : { "kind" : "pull-request", "ref" : "refs/heads/feedback/fb-1" },
              "repository" : "app",
              "threeWay" : false,
              "timings" : {
                "claimedAt" : "2026-11-25T12:00:00Z",
                "finishedAt" : "2026-11-25T12:00:09Z",
                "stages" : { "commit" : 0.5, "publish" : 2, "restart" : 1, "validate" : 0.25, "verify" : 5 }
              },
              "unknownFields" : {},
              "verification" : { "outcome" : "passed", "seconds" : 5 }
            }
            """#
        let record = try FeedbackJSON.decoder.decode(FeedbackResultRecord.self, from: Data(stored.utf8))
        #expect(record.publication.kind == .pullRequest)
        #expect(record.verification.outcome == .passed)
        #expect(
            record.timings.stages == [.commit: 0.5, .publish: 2, .restart: 1, .validate: 0.25, .verify: 5],
            "the stages are read by their names")

        let written = try #require(
            try JSONSerialization.jsonObject(with: FeedbackJSON.encoder.encode(record)) as? [String: Any])
        #expect((written["publication"] as? [String: Any])?["kind"] as? String == "pull-request")
        #expect((written["verification"] as? [String: Any])?["outcome"] as? String == "passed")
        let stages = (written["timings"] as? [String: Any])?["stages"] as? [String: Double]
        #expect(stages == ["commit": 0.5, "publish": 2, "restart": 1, "validate": 0.25, "verify": 5], "an object, not pairs")
    }

    /// A reason record as earlier versions wrote it (`NAME.reason.json`) reads back, and writes the same spellings.
    @Test func aRejectedRecordOfEarlierVersionsIsReadAndWrittenAlike() throws {
        let stored = #"""
            {
              "code" : "verification-failed",
              "file" : "fb.json",
              "message" : "build and tests failed",
              "metadata" : {},
              "paths" : [],
              "stage" : "verify",
              "timings" : { "claimedAt" : "2026-11-25T12:00:00Z", "stages" : { "validate" : 0.25 } },
              "unknownFields" : {},
              "verification" : { "outcome" : "failed", "logFile" : "deploy/logs/feedback-fb-1.log" }
            }
            """#
        let record = try FeedbackJSON.decoder.decode(FeedbackRejection.self, from: Data(stored.utf8))
        #expect(record.stage == .verify)
        #expect(record.verification?.outcome == .failed)
        #expect(record.timings.stages == [.validate: 0.25])

        let written = try #require(
            try JSONSerialization.jsonObject(with: FeedbackJSON.encoder.encode(record)) as? [String: Any])
        #expect(written["stage"] as? String == "verify")
        #expect((written["verification"] as? [String: Any])?["outcome"] as? String == "failed")
        #expect((written["timings"] as? [String: Any])?["stages"] as? [String: Double] == ["validate": 0.25])
    }

    @Test func publicationsWithoutAPublisherAreNone() throws {
        let written = try JSONSerialization.jsonObject(with: JSONEncoder().encode(FeedbackPublication.none))
        #expect((written as? [String: Any])?["kind"] as? String == "none")
        #expect(!FeedbackPublication.none.updatesBranch)
        #expect(FeedbackPublication(kind: .push).updatesBranch)
        #expect(FeedbackPublication(kind: .pullRequest).updatesBranch)
        #expect(!FeedbackPublication(kind: .local).updatesBranch)
    }
}
