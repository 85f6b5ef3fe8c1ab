import Foundation
import Synchronization

/// Rollouts that run beside the cycles (`deployctl loop`): a cycle hands each repository's rollout over and goes on,
/// so a repository waiting on its health gate never holds up another's builds and rollouts.
///
/// A repository has at most one rollout in flight: while it runs, cycles neither start another for it nor take its
/// journal (written as it goes) for an interrupted one. ``runSubmitted()`` runs the handed-over rollouts side by side
/// until its task is cancelled; cancelled rollouts stop where they are, their journals kept for the next run.
final class RolloutQueue: Sendable {
    /// One repository's rollouts of a cycle, ready to run.
    struct Plan: Sendable {
        let repository: RepositoryName
        let run: @Sendable () async -> [DeploymentRecord]
    }

    private let inFlight = Mutex<Set<RepositoryName>>([])
    private let plans: AsyncStream<Plan>
    private let continuation: AsyncStream<Plan>.Continuation

    init() {
        (plans, continuation) = AsyncStream.makeStream(of: Plan.self)
    }

    /// Whether a rollout of `repository` is running now.
    func isInFlight(_ repository: RepositoryName) -> Bool {
        inFlight.withLock { $0.contains(repository) }
    }

    /// Hands `plan` over; false (and nothing done) when a rollout of its repository is in flight.
    @discardableResult
    func submit(_ plan: Plan) -> Bool {
        guard inFlight.withLock({ $0.insert(plan.repository).inserted }) else { return false }
        continuation.yield(plan)
        return true
    }

    /// Runs what is handed over, side by side, until the calling task is cancelled (then waits for the running
    /// rollouts to stop).
    /// - Parameter finished: called with each plan's finished rollouts.
    func runSubmitted(finished: @escaping @Sendable ([DeploymentRecord]) -> Void = { _ in }) async {
        await withDiscardingTaskGroup { group in
            for await plan in plans {
                group.addTask {
                    let records = await plan.run()
                    self.inFlight.withLock { _ = $0.remove(plan.repository) }
                    finished(records)
                }
            }
        }
    }
}
