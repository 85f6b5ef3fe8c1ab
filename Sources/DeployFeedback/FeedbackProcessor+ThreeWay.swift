import DeployGit
import Foundation

extension FeedbackProcessor {
    /// The three-way plan for a patch made at `base` that no longer applies at `tip`: the patch is applied in a
    /// worktree at `base`, and each file's change (base → patched) is merged line by line into the tip's version
    /// (read from the checkout, whose patched paths are clean). The result is a diff against the tip.
    ///
    /// - Throws: ``FeedbackError/Code/conflict`` naming the files changed on both sides in overlapping places.
    func threeWayPlan(_ validated: Validated, git: GitRepository, base: ObjectID, tip: ObjectID) throws(StageFailure)
        -> ChangePlan
    {
        let (worktree, directory) = try makeWorktree(
            git, repository: validated.repository, at: base, name: "deployctl-base")
        defer { removeWorktree(git, name: "deployctl-base", directory: directory) }
        let paths = validated.summary.changedPaths
        let before = paths.map { read(directory, $0) }
        do { try worktree.apply(diff: validated.document.patch, to: .workTree) } catch {
            var failure = Self.applyFailure(error)
            failure.error = FeedbackError(
                failure.error.code,
                "the patch applies neither to the tip nor to its base \(base.short): \(error.message)",
                field: "patch", paths: validated.summary.paths)
            throw failure
        }
        var changes: [UnifiedDiffWriter.Change] = []
        var conflicts: [String] = []
        for (index, path) in paths.enumerated() {
            let baseContent = before[index]
            let theirs = read(directory, path)
            let ours = read(validated.repository.gitWorkTree, path)
            let mode = validated.summary.files.first { $0.newPath == path }?.newMode ?? "100644"
            switch (baseContent, theirs, ours) {
            case (let b, let t, let o) where b == t:  // the patch does not change this path
                _ = o
            case (let b, let t, let o) where o == b:  // the tip did not change it: take the patch's version
                changes.append(.init(path: path, old: o, new: t, newMode: mode))
            case (_, let t, let o) where o == t:  // both made the same change
                break
            case (let b?, let t?, let o?):
                if let merged = ThreeWayMerge.merge(base: b, ours: o, theirs: t) {
                    changes.append(.init(path: path, old: o, new: merged, newMode: mode))
                } else {
                    conflicts.append(path)
                }
            default:  // added, deleted or renamed on one side and changed on the other
                conflicts.append(path)
            }
        }
        guard conflicts.isEmpty else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .conflict,
                    "the patch was made at \(base.short) and conflicts with changes on \(validated.branch) since "
                        + "(now \(tip.short)) in: \(conflicts.joined(separator: ", "))",
                    field: "patch", paths: conflicts))
        }
        let effective = changes.filter { $0.old != $0.new }
        guard !effective.isEmpty else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .patchDoesNotApply, "\(validated.branch) already contains this change", field: "patch",
                    paths: validated.summary.paths))
        }
        let diff = UnifiedDiffWriter.diff(effective)
        do { try git.apply(diff: diff, to: .workTreeAndIndex, checkOnly: true) } catch {
            throw Self.applyFailure(error)
        }
        return ChangePlan(diff: diff, paths: effective.map(\.path).sorted(), threeWay: true)
    }

    private func read(_ directory: URL, _ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: directory.appendingPathComponent(path).path).map { Array($0) }
    }
}
