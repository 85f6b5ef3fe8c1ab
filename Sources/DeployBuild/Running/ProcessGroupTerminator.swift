#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ends every process left in a step's process group: `SIGTERM`, then `SIGKILL` after a grace period.
///
/// Steps run in their own session, so the group id is the step's process id and never includes deployctl. This is
/// needed on top of swift-subprocess's teardown: that teardown stops once the direct child exits, which leaves a
/// grandchild that ignores `SIGTERM` alive (and holding the output pipe).
enum ProcessGroupTerminator {
    /// Whether any process of group `groupID` still exists (zombies awaiting their reaper count as gone).
    static func isAlive(_ groupID: pid_t) -> Bool {
        guard groupID > 1 else { return false }
        return kill(-groupID, 0) == 0
    }

    /// Sends `SIGTERM` to the group, waits up to `grace` for it to empty, then sends `SIGKILL`.
    static func terminate(_ groupID: pid_t, grace: Duration) async {
        guard isAlive(groupID) else { return }
        _ = kill(-groupID, SIGTERM)
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while clock.now < deadline, isAlive(groupID) {
            try? await clock.sleep(for: .milliseconds(20))
            if Task.isCancelled { break }
        }
        if isAlive(groupID) {
            _ = kill(-groupID, SIGKILL)
        }
    }
}
