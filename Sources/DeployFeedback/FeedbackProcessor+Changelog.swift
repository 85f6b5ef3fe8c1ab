import DeployGit
import Foundation

extension FeedbackProcessor {
    /// `plan` plus a ``ChangelogEntry`` in ``Options/changelogPath`` (read at `tip`), so that the entry is verified
    /// and committed with the patch; `plan` itself when no changelog is kept or the patch edits the changelog.
    func addingChangelogEntry(
        to plan: ChangePlan, _ validated: Validated, file: String, git: GitRepository, tip: ObjectID
    ) throws(StageFailure) -> ChangePlan {
        guard let path = options.changelogPath.map(validated.repository.repositoryPath), !plan.paths.contains(path)
        else { return plan }
        let old = try gitStep(.apply) { () throws(GitError) in try git.contents(of: path, at: tip) }
        let subject = String(commitMessage(validated, file: file).prefix { $0 != "\n" })
        let entry = ChangelogEntry(date: Date(), summary: subject, feedbackID: validated.document.id)
        let change = UnifiedDiffWriter.diff([.init(path: path, old: old, new: entry.inserted(into: old))])
        let diff = plan.diff.hasSuffix("\n") ? plan.diff : plan.diff + "\n"
        return ChangePlan(diff: diff + change, paths: (plan.paths + [path]).sorted(), threeWay: plan.threeWay)
    }
}
