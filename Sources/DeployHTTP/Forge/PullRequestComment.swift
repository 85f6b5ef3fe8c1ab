import DeployFeedback
import Foundation

/// The build summary commented on a feedback pull request once it is opened: what verification of the proposed
/// commit found, in Markdown.
public enum PullRequestComment {
    /// - Parameters:
    ///   - feedbackID: the feedback id.
    ///   - commit: the proposed commit that was verified.
    ///   - verification: what the build and tests found; nil or `skipped` says verification was off.
    public static func make(feedbackID: String, commit: String, verification: FeedbackVerification?) -> String {
        var lines = ["### deployctl build summary", ""]
        if verification == nil || verification?.outcome == FeedbackVerification.skipped.outcome {
            lines.append("Commit `\(commit)` was **not built or tested** before this pull request was opened")
            lines.append("(verification is off for this dispatcher).")
        } else {
            lines.append("- Commit: `\(commit)`")
            lines.append("- Build and tests: \(PullRequestBody.verificationLine(verification))")
            if let failures = PullRequestBody.failureLines(verification), !failures.isEmpty {
                lines.append("")
                lines.append("Failing tests:")
                lines += failures.prefix(20).map { "- \($0)" }
            }
            if let log = verification?.logFile {
                lines.append("- Log on the dispatcher: `\((log as NSString).lastPathComponent)`")
            }
        }
        lines.append("")
        lines.append("Feedback-Id: `\(feedbackID)`")
        let body = lines.joined(separator: "\n")
        return body.count > PullRequestBody.maxCharacters ? String(body.prefix(PullRequestBody.maxCharacters)) : body
    }
}
