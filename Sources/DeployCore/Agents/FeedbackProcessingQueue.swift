import Foundation

/// Work on the feedback inbox that a process does itself when no loop holds the root, one item at a time in the
/// order asked (each item takes the root's lock, so two at once would only refuse each other).
actor FeedbackProcessingQueue {
    private var last: Task<Void, Never>?

    /// Runs `work` after everything enqueued before it.
    func enqueue(_ work: @escaping @Sendable () async -> Void) {
        let previous = last
        last = Task {
            await previous?.value
            await work()
        }
    }

    /// Waits until everything enqueued so far has finished.
    func drain() async {
        await last?.value
    }
}
