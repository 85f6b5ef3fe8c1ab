import Dispatch

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

    /// Sends `SIGTERM` to the group, waits up to `grace` for it to empty, then sends `SIGKILL` and waits (briefly) for
    /// the group to disappear.
    ///
    /// Works the same when the calling task is cancelled: the waits do not end early on cancellation, since stopping
    /// the processes is what cancellation asks for.
    static func terminate(_ groupID: pid_t, grace: Duration) async {
        guard isAlive(groupID) else { return }
        _ = kill(-groupID, SIGTERM)
        if await waitUntilGone(groupID, for: grace) { return }
        _ = kill(-groupID, SIGKILL)
        _ = await waitUntilGone(groupID, for: .seconds(2))
    }

    /// Waits for the step's own process (the group leader) to end; if processes it left behind still hold the
    /// output pipes after `grace`, ends the group so that the step finishes instead of waiting for its timeout.
    /// Returns early, doing nothing, when the calling task is cancelled (the output ended normally).
    static func endOrphans(of leader: pid_t, grace: Duration) async {
        // The leader's pid disappears once swift-subprocess has reaped it.
        while kill(leader, 0) == 0 || errno != ESRCH {
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                return
            }
        }
        do {
            try await Task.sleep(for: grace)
        } catch {
            return
        }
        await terminate(leader, grace: grace)
    }

    /// Polls until the group is empty or `duration` has passed; `true` when it emptied.
    private static func waitUntilGone(_ groupID: pid_t, for duration: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        while isAlive(groupID) {
            if clock.now >= deadline { return false }
            await pause(milliseconds: 10)
        }
        return true
    }

    /// Sleeps without reacting to cancellation (unlike `Task.sleep`).
    private static func pause(milliseconds: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                continuation.resume()
            }
        }
    }
}
