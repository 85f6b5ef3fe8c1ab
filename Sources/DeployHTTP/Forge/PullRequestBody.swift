import DeployFeedback
import Foundation

/// The text of a feedback pull request: the feedback's description, then what verification found and where the
/// commit came from, in Markdown.
public enum PullRequestBody {
    /// The longest body sent (GitHub refuses bodies over 65,536 characters).
    public static let maxCharacters = 60_000

    /// - Parameters:
    ///   - description: the feedback's description (the commit message without its trailer).
    ///   - feedbackID: the feedback id.
    ///   - commit: the proposed commit.
    ///   - parent: the branch tip it was made on.
    ///   - verification: what the build and tests found, when known.
    public static func make(
        description: String, feedbackID: String, commit: String, parent: String, verification: FeedbackVerification?
    ) -> String {
        var lines: [String] = []
        let text = description.trimmingCharacters(in: .whitespacesAndNewlines)
        lines.append(text.isEmpty ? "Feedback \(feedbackID)" : text)
        lines.append("")
        lines.append("---")
        lines.append("")
        lines.append("- Feedback-Id: `\(feedbackID)`")
        lines.append("- Commit: `\(commit)` on `\(parent)`")
        lines.append("- Verification: \(verificationLine(verification))")
        if let failures = failureLines(verification), !failures.isEmpty {
            lines.append("")
            lines.append("Failures:")
            lines += failures.prefix(20).map { "- \($0)" }
        }
        lines.append("")
        lines.append("Opened by deployctl; merge or close it to finish this feedback.")
        let body = lines.joined(separator: "\n")
        return body.count > maxCharacters ? String(body.prefix(maxCharacters)) + "\n…" : body
    }

    static func verificationLine(_ verification: FeedbackVerification?) -> String {
        guard let verification else { return "not reported" }
        var line = "**\(verification.outcome.rawValue)**"
        if let seconds = verification.seconds { line += String(format: " in %.1f s", seconds) }
        if case .object(let report)? = verification.report, case .object(let tests)? = report["tests"] {
            let counts = ["passed", "failed", "skipped"].compactMap { key -> String? in
                guard case .number(let value)? = tests[key] else { return nil }
                return "\(Int(value)) \(key)"
            }
            if !counts.isEmpty { line += " (tests: \(counts.joined(separator: ", ")))" }
        }
        return line
    }

    static func failureLines(_ verification: FeedbackVerification?) -> [String]? {
        guard case .object(let report)? = verification?.report, case .object(let tests)? = report["tests"],
            case .array(let failures)? = tests["failures"]
        else { return nil }
        return failures.compactMap { failure in
            guard case .object(let fields) = failure else { return nil }
            let name = fields["name"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "a test"
            let message = fields["message"].flatMap { if case .string(let s) = $0 { s } else { nil } }
            return message.map { "`\(name)`: \($0)" } ?? "`\(name)`"
        }
    }
}
