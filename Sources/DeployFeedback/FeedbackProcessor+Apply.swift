import Foundation

extension FeedbackProcessor {
    /// Checks that the patch applies to the branch tip; returns whether a three-way apply from `base` is needed.
    func checkApplies(_ validated: Validated) throws(StageFailure) -> Bool {
        throw StageFailure("apply", FeedbackError(.git, "applying patches needs DeployGit (not merged yet)"))
    }

    /// Verifies, applies, commits, publishes and restarts.
    func apply(_ validated: Validated, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal) async throws(StageFailure)
        -> FeedbackOutcome
    {
        _ = try checkApplies(validated)
        return try await continueAfterApply(validated, claim: claim, journal: &journal)
    }

    /// Continues from the `applying`, `committed` or `published` phase.
    func continueAfterApply(
        _ validated: Validated, claim: FeedbackInbox.Claim, journal: inout FeedbackJournal
    ) async throws(StageFailure) -> FeedbackOutcome {
        throw StageFailure("apply", FeedbackError(.git, "applying patches needs DeployGit (not merged yet)"))
    }
}
