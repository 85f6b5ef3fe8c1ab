import DeployGit
import Foundation

/// How the validated patch becomes a change of the branch tip.
struct ChangePlan: Sendable {
    /// The diff to apply at the tip: the feedback's patch, or the result of a three-way merge.
    var diff: String
    /// The paths to commit.
    var paths: [String]
    var threeWay: Bool
}

extension FeedbackProcessor {
    /// Checks that the patch applies to the branch tip (or three-way from `base`); returns whether three-way is
    /// needed. Used by `--dry-run`; changes nothing (a three-way check uses a throwaway worktree).
    func checkApplies(_ validated: Validated) throws(StageFailure) -> Bool {
        let git = try open(validated.repository)
        let tip = try checkoutTip(git, validated)
        return try plan(validated, git: git, tip: tip).threeWay
    }

    /// Makes the change plan: a check-only apply at the tip, else a three-way merge from `base`.
    func plan(_ validated: Validated, git: GitRepository, tip: ObjectID) throws(StageFailure) -> ChangePlan {
        let patch = validated.document.patch
        let failure: GitError
        do {
            let touched = try git.apply(diff: patch, to: .workTreeAndIndex, checkOnly: true)
            return ChangePlan(diff: patch, paths: commitPaths(validated.summary, touched), threeWay: false)
        } catch {
            failure = error
        }
        guard failure.code == .patchDoesNotApply else { throw Self.applyFailure(failure) }
        guard let baseText = validated.document.base else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .patchDoesNotApply,
                    "the patch does not apply to \(validated.branch) at \(tip.short): \(failure.message)",
                    field: "patch", paths: validated.summary.paths))
        }
        let base: ObjectID
        do { base = try git.resolve(baseText) } catch {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .patchDoesNotApply,
                    "the patch does not apply to \(validated.branch) at \(tip.short), and its base \(baseText) is not "
                        + "in the repository: \(error.message)",
                    field: "base"))
        }
        guard base != tip else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .patchDoesNotApply, "the patch does not apply to its base \(tip.short): \(failure.message)",
                    field: "patch", paths: validated.summary.paths))
        }
        return try threeWayPlan(validated, git: git, base: base, tip: tip)
    }

    /// The paths to commit: every path the diff touches, as read by us and by libgit2.
    func commitPaths(_ summary: PatchSummary, _ touched: [PatchedPath]) -> [String] {
        let fromGit = touched.flatMap { [$0.oldPath, $0.newPath].compactMap { $0 } }
        return Array(Set(summary.changedPaths + fromGit)).sorted()
    }

    static func applyFailure(_ error: GitError) -> StageFailure {
        switch error.code {
        case .patchDoesNotApply:
            StageFailure(.apply, FeedbackError(.patchDoesNotApply, error.message, field: "patch"))
        case .unsafePath:
            StageFailure(.apply, FeedbackError(.invalidPath, error.message, field: "patch"))
        case .invalidArgument:
            StageFailure(
                .apply,
                FeedbackError(.malformedPatch, "libgit2 cannot read the patch: \(error.message)", field: "patch"))
        default:
            StageFailure(.apply, FeedbackError(.git, error.description))
        }
    }
}
