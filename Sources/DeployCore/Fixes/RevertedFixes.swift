import DeployGit
import Foundation
import Logging

/// Marks the applied fixes of the fix ledger whose commit a newer commit of their repository reverts (`git revert`
/// writes `This reverts commit <id>.`), so the ledger's revert rate counts a fix a person undid as well as one a
/// failed rollout rolled back.
enum RevertedFixes {
    /// The newest commits read from a new head: a revert long after its fix is missed, the walk stays bounded.
    static let commitsRead = 200

    /// Looks, in each repository whose head this cycle moved, for reverts of its applied fixes that still stand
    /// (a revert often restores a tree already built, so an `unchanged` build counts too). A repository without
    /// such a fix, or whose head did not move, costs no git walk.
    static func mark(built records: [RepositoryCycleRecord], context: CycleContext) {
        let store = context.store
        var marked = 0
        for record in records where record.outcome == .built || record.outcome == .unchanged {
            guard let head = record.head, context.previous[record.repository]?.latest?.head != head,
                let name = try? RepositoryName(record.repository),
                let standing = try? store.fixes(repository: record.repository).filter({
                    $0.outcome == .applied && $0.reverted == nil && $0.commit != nil
                }), !standing.isEmpty,
                let git = try? GitRepository.discover(containing: context.root.repository(name)),
                let reverted = try? git.revertedCommits(in: [head], limit: commitsRead)
            else { continue }
            for fix in standing {
                guard let commit = fix.commit, let by = reverted[commit.lowercased()] else { continue }
                let count = (try? store.markFixesReverted(
                    repository: record.repository, commit: commit, reason: "reverted by \(by.short)")) ?? 0
                if count > 0 {
                    context.logger.notice(
                        "fix \(fix.file) (\(commit.prefix(10))) was reverted by \(by.short)",
                        metadata: ["deploy.repo": "\(record.repository)"])
                }
                marked += count
            }
        }
        if marked > 0 { DispatcherMetrics.record(fixes: store) }
    }
}
