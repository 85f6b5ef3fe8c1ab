import Synchronization

/// A wake-up for a sleeping loop that is never lost and survives cancelled waits.
///
/// ``signal()`` resumes every task waiting in ``wait()``; when none is waiting, the wake-up is kept for the next
/// ``wait()``, which then returns at once and consumes it (several signals while nobody waits collapse into one).
/// A wait that is cancelled returns `false` without consuming a kept wake-up, and removes only itself: later waits
/// and signals work as before.
///
/// This is what the loop needs to race a wake-up against its interval in a task group and cancel the loser, and what
/// an `AsyncStream` cannot give: cancelling a pending `next()` finishes the stream for good, so every later wait on
/// it would return at once.
final class WakeUpSignal: Sendable {
    private struct State {
        var pending = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// Wakes the tasks waiting now, or, when none is, the next ``wait()``.
    func signal() {
        let woken = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard !state.waiters.isEmpty else {
                state.pending = true
                return []
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume(returning: true) }
    }

    /// Waits for a ``signal()``: returns at once when one is kept, else when the next one arrives.
    ///
    /// - Returns: `true` when woken; `false` when the waiting task was cancelled first (nothing is consumed then).
    @discardableResult
    func wait() async -> Bool {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // Under the lock, so a cancellation handler that already ran (and found no waiter) is seen here.
                let answer = state.withLock { state -> Bool? in
                    if Task.isCancelled { return false }
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: false)
        }
    }

    /// Whether a wake-up is kept for the next ``wait()`` (for tests).
    var isPending: Bool { state.withLock { $0.pending } }

    /// How many tasks are waiting now (for tests).
    var waitingCount: Int { state.withLock { $0.waiters.count } }
}
