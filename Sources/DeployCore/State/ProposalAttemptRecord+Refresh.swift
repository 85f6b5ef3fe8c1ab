import DeployFeedback
import Foundation

extension ProposalAttemptRecord {
    /// The attempt with the outcome its file has come to since: a `proposed` or `deferred` attempt whose file has
    /// reached `applied/` or `rejected/` takes that outcome; one whose file is gone from `feedback/` counts as
    /// rejected (so that it does not block the commit); any other is returned as it is.
    func refreshed(in inbox: FeedbackInbox) -> ProposalAttemptRecord {
        guard outcome == .proposed || outcome == .deferred, let file else { return self }
        let stem = file.hasSuffix(".json") ? String(file.dropLast(5)) : file
        let files = FileManager.default
        var updated = self
        if files.fileExists(atPath: inbox.appliedDirectory.appendingPathComponent(stem + ".result.json").path) {
            updated.outcome = .applied
            updated.detail = "applied (by the feedback path)"
        } else if files.fileExists(atPath: inbox.rejectedDirectory.appendingPathComponent(stem + ".reason.json").path) {
            updated.outcome = .rejected
            updated.detail = "rejected (by the feedback path)"
        } else if files.fileExists(atPath: inbox.directory.appendingPathComponent(file).path)
            || files.fileExists(atPath: inbox.inflightDirectory.appendingPathComponent(file).path)
        {
            return self
        } else {
            // Removed by hand (or its record was): counted as rejected, so that it does not block the commit.
            updated.outcome = .rejected
            updated.detail = "the proposal file is no longer in feedback/"
        }
        updated.updatedAt = Date()
        return updated
    }
}
