import DeployCore
import Foundation
import Synchronization

/// What `/readyz` answers from: whether the loop has finished its first cycle, and whether this process holds the
/// root's lock.
public final class LoopReadiness: Sendable {
    let root: DeployRoot
    private let firstCycleFinishedAt = Mutex<Date?>(nil)

    public init(root: DeployRoot) {
        self.root = root
    }

    /// Called with each finished cycle (the loop's `onCycle`).
    public func cycleFinished() {
        firstCycleFinishedAt.withLock { if $0 == nil { $0 = Date() } }
    }

    /// Why the loop is not ready, or nil when it is.
    var notReadyReason: String? {
        guard firstCycleFinishedAt.withLock({ $0 }) != nil else { return "the first cycle has not finished" }
        guard let holder = DispatcherLock.holder(of: root), holder.hasPrefix("pid \(getpid()) ") else {
            return "this process does not hold the root's lock"
        }
        return nil
    }
}
