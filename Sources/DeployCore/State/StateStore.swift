import Foundation

/// Where the dispatcher keeps what each cycle did.
///
/// Small on purpose: ``SQLiteStateStore`` is the embedded implementation; a server-backed store shared by several
/// dispatchers would implement the same calls. Every write is one transaction: a crash leaves either the whole cycle
/// or nothing. A store's failures are ``DispatcherError``s with code `store`, naming the store and the operation.
public protocol StateStore: ProposalAttemptStore, DeploymentStore, FixStore, Sendable {
    /// Records a finished cycle and updates each repository's state (last build, failures, backoff).
    /// - Parameters:
    ///   - cycle: what the cycle did.
    ///   - states: the repositories' new states, written in the same transaction.
    /// - Returns: the cycle's id.
    @discardableResult
    func record(_ cycle: CycleRecord, states: [RepositoryState]) throws(DispatcherError) -> Int64

    /// The stored state of every repository that was ever recorded, by name.
    func repositoryStates() throws(DispatcherError) -> [String: RepositoryState]

    /// The newest cycles first.
    func history(limit: Int) throws(DispatcherError) -> [StoredCycle]

    /// Writes the loop's health (heartbeat, next cycle).
    func updateHealth(_ health: DispatcherHealth) throws(DispatcherError)

    /// The loop's last written health, if any.
    func health() throws(DispatcherError) -> DispatcherHealth?

    /// The newest cycle whose trigger is not `trigger` (status skips feedback-only records this way).
    func lastCycle(excludingTrigger trigger: CycleRecord.Trigger) throws(DispatcherError) -> StoredCycle?

    /// How many cycles are recorded.
    func cycleCount() throws(DispatcherError) -> Int
}
