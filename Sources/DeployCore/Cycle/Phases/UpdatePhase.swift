import DeployBuild
import DeployGit
import Foundation
import Logging

/// The cycle's first phase: which repositories are tried (those not backing off after failures), then fetch and
/// fast-forward them concurrently, bounded by `DISPATCHER_FETCH_CONCURRENCY`.
///
/// It runs before the ``CycleContext`` exists (the toolchain is looked up meanwhile), so it takes what it reads.
struct UpdatePhase: Sendable {
    let root: DeployRoot
    let manifest: Manifest
    let credentials: GitCredentials
    let previous: [String: RepositoryState]
    let options: CycleOptions
    let configuration: DispatcherConfiguration
    let networkTimeout: Duration
    let interruptedHolderLifetime: Range<Date>?
    let faults: FaultInjection
    let logger: Logger
    let observer: (@Sendable (CycleEvent) -> Void)?

    /// What the phase did: each tried repository's update, and the records of those left alone.
    struct Result: Sendable {
        /// Each tried repository: its checkout after the update, or why it could not be updated.
        var updates: [RepositoryName: Swift.Result<UpdatedRepository, UpdateFailure>]
        /// The tried repositories, in name order.
        var attempted: [RepositoryName]
        /// Repositories backing off after failures (loop only): not tried, recorded as such.
        var backingOff: [RepositoryCycleRecord]
    }

    func run(_ selected: [RepositoryName]) async -> Result {
        let now = Date()
        var attempted: [RepositoryName] = []
        var backingOff: [RepositoryCycleRecord] = []
        for name in selected {
            let state = previous[name.rawValue]
            if options.respectBackoff, let next = state?.nextAttemptAt, next > now {
                let reason = "backing off after \(state?.consecutiveFailures ?? 0) failures until \(ISO8601DateFormatter().string(from: next))"
                observer?(.skipped(repository: name.rawValue, reason: reason))
                backingOff.append(
                    RepositoryCycleRecord(
                        repository: name.rawValue, branch: state?.latest?.branch, head: state?.latest?.head,
                        outcome: .backingOff, startedAt: now, finishedAt: now, summary: reason))
            } else {
                attempted.append(name)
            }
        }
        return Result(updates: await update(attempted), attempted: attempted, backingOff: backingOff)
    }

    private func update(_ names: [RepositoryName]) async
        -> [RepositoryName: Swift.Result<UpdatedRepository, UpdateFailure>]
    {
        let updater = RepositoryUpdater(
            root: root, manifest: manifest, credentials: credentials, networkTimeout: networkTimeout, logger: logger,
            killedDispatcherLifetime: interruptedHolderLifetime)
        let limit = max(1, configuration.fetchConcurrency)
        let observer = observer
        let faults = faults
        typealias Update = Swift.Result<UpdatedRepository, UpdateFailure>
        return await withTaskGroup(of: (RepositoryName, Update).self) { group in
            var results: [RepositoryName: Update] = [:]
            var pending = names[...]
            for _ in 0..<limit {
                guard let name = pending.popFirst() else { break }
                group.addTask { (name, await updater.update(name)) }
            }
            while let (name, result) = await group.next() {
                switch result {
                case .success(let updated):
                    observer?(.updated(repository: name.rawValue, summary: updated.summary, succeeded: true))
                case .failure(let failure):
                    observer?(.updated(repository: name.rawValue, summary: failure.summary, succeeded: false))
                }
                results[name] = result
                faults.reach(.fetched)
                if let next = pending.popFirst() {
                    group.addTask { (next, await updater.update(next)) }
                }
            }
            return results
        }
    }
}
