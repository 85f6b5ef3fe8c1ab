import DeployFeedback
import Foundation

extension FeedbackEventRecord {
    /// The record of what processing one file came to, for the cycle record and people.
    init(_ outcome: FeedbackOutcome) {
        switch outcome {
        case .applied(let result, _):
            self.init(
                repository: result.repository, file: result.file, feedbackID: result.id, outcome: .applied,
                commit: result.commit, detail: Self.appliedDetail(result),
                restartFailure: result.restart?.failureSummary)
        case .rejected(let rejection, _):
            self.init(
                repository: rejection.repository, file: rejection.file, feedbackID: rejection.id, outcome: .rejected,
                commit: nil, detail: "\(rejection.stage): \(rejection.message)")
        case .deferred(let name, let error):
            self.init(
                repository: nil, file: name, feedbackID: nil, outcome: .deferred, commit: nil,
                detail: "will be resumed: \(error.message)")
        case .checked(let check):
            self.init(
                repository: check.repository, file: check.file, feedbackID: check.id,
                outcome: check.error == nil ? .checked : .wouldReject, commit: nil,
                detail: check.error.map { "would be rejected: \($0.message)" }
                    ?? "would apply (\(check.paths.joined(separator: ", ")))")
        }
    }

    /// What an applied file did, for people: the commit and where it went (or the restart a restart request ran).
    static func appliedDetail(_ result: FeedbackResultRecord) -> String {
        var detail = "committed \(result.commit.prefix(10)) on \(result.branch)"
        if result.publication.kind == .local {
            detail += ", not published (\(result.publication.note ?? "the repository has no remote"))"
        }
        if result.kind == .restartRequest {
            detail = "restart request for \(result.repository)"
            if let restart = result.restart {
                detail += restart.succeeded ? ": \(restart.command) succeeded" : ""
            }
        }
        return detail
    }
}
