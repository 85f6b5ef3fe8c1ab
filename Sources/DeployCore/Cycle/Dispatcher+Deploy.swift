import DeployBuild
import Foundation

/// Rollouts asked for by hand: `deployctl rollback NAME [--to REVISION]` and `deployctl deploy NAME`.
extension Dispatcher {
    /// Makes a kept release of `name` current again: `revision` (a full id or an unambiguous prefix of one), or
    /// the previous healthy release. The revision it replaces is blocked, as after an automatic rollback.
    /// - Returns: the rollout's record (`healthy` when `revision` passed its gate, `failed` when it did not).
    /// - Throws: ``DispatcherError``: `deployment` when `name` has no `deploy` block, `revision` is not a kept
    ///   release or there is nothing to roll back to; `store`.
    public func rollBack(_ name: RepositoryName, to revision: String? = nil) async throws(DispatcherError)
        -> DeploymentRecord
    {
        let (rollout, state) = try await preparedRollout(name, flag: "rollback")
        let kept = rollout.releases.kept()
        let target: String
        if let revision {
            let matches = kept.filter { $0.hasPrefix(revision.lowercased()) }
            guard revision.count >= 4, matches.count == 1, let match = matches.first else {
                throw DispatcherError(
                    .deployment, location: "--to", found: "'\(revision)', which "
                        + (matches.count > 1 ? "names more than one kept release" : "is not a kept release of \(name)"),
                    accepted: kept.isEmpty ? "none: \(name) has no kept release" : "one of \(Self.list(kept))")
            }
            target = match
        } else {
            guard let previous = state?.previousRevision, kept.contains(previous) else {
                throw DispatcherError(
                    .deployment, location: name.rawValue, found: "no previous healthy release on disk",
                    accepted: kept.isEmpty ? "a rollout first" : "--to one of \(Self.list(kept))")
            }
            target = previous
        }
        return try Self.finished(await rollout.rollBack(to: target, state: state), name)
    }

    /// Runs the rollout of `name`'s current release again (its command and its gate), clearing a `failed` state:
    /// the revision is no longer blocked by that failure. When it fails, the previous healthy release is brought
    /// back, as in a cycle.
    /// - Throws: ``DispatcherError``: `deployment` when `name` has no `deploy` block or was never deployed; `store`.
    public func redeploy(_ name: RepositoryName) async throws(DispatcherError) -> DeploymentRecord {
        let (rollout, found) = try await preparedRollout(name, flag: "deploy")
        guard var state = found, let revision = rollout.releases.current() ?? state.revision,
            rollout.releases.exists(revision)
        else {
            throw DispatcherError(
                .deployment, location: name.rawValue, found: "no current release (it was never deployed)",
                accepted: "a repository a cycle has deployed: run `deployctl run-once` first")
        }
        if state.failedRevision == revision { state.failedRevision = nil }
        state.blockedRevisions.removeAll { $0 == revision }
        return try Self.finished(
            await rollout.deploy(target: revision, tree: state.tree, state: state, trigger: .deploy), name)
    }

    /// The record of a rollout asked for by hand, or the error for one that was stopped before it was judged.
    private static func finished(_ record: DeploymentRecord?, _ name: RepositoryName) throws(DispatcherError)
        -> DeploymentRecord
    {
        guard let record else {
            throw DispatcherError(
                .release, location: name.rawValue,
                found: "the rollout of \(name) was stopped before its release was judged; the next run finishes it",
                accepted: "")
        }
        return record
    }

    /// The rollout of `name` and its state, an interrupted rollout finished first.
    private func preparedRollout(_ name: RepositoryName, flag: String) async throws(DispatcherError)
        -> (Rollout, DeploymentState?)
    {
        let context = try commandContext(observer: nil)
        guard let settings = context.manifest.repository(named: name)?.deploy else {
            let deployed = context.manifest.repositories.filter { $0.deploy != nil }.map(\.name.rawValue)
            throw DispatcherError(
                .deployment, location: "deployctl \(flag) \(name)",
                found: "no 'deploy' block for \(name) in deployctl.json",
                accepted: deployed.isEmpty
                    ? "a repository with a 'deploy' block (docs/deploying.md)" : deployed.joined(separator: ", "))
        }
        let rollout = context.rollout(of: name, settings: settings)
        var state = try store.deploymentStates()[name.rawValue]
        if let interrupted = state, interrupted.journal != nil {
            _ = try await rollout.resume(interrupted)
            state = try store.deploymentStates()[name.rawValue]
        }
        return (rollout, state)
    }

    private static func list(_ names: [String]) -> String {
        names.prefix(10).map { String($0.prefix(12)) }.joined(separator: ", ") + (names.count > 10 ? ", …" : "")
    }
}
