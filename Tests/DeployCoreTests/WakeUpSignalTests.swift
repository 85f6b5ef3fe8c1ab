@testable import DeployCore
import Testing

/// The loop's wake-up: a wake-up is never lost, a cancelled wait breaks nothing, and only a wake-up that happened
/// ends a wait early (the loop spun when an `AsyncStream` did otherwise).
@Suite(.timeLimit(.minutes(1))) struct WakeUpSignalTests {
    /// What ends first: a wait on `signal`, or a timer of `duration`; the loser is cancelled, as in the loop's sleep.
    func race(_ signal: WakeUpSignal, against duration: Duration) async -> String {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await signal.wait() ? "wake" : nil }
            group.addTask {
                do { try await Task.sleep(for: duration) } catch { return nil }
                return "timer"
            }
            var first: String?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first ?? "none"
        }
    }

    /// Waits (bounded) until `count` tasks wait on `signal`.
    func waitUntil(_ signal: WakeUpSignal, hasWaiting count: Int) async throws {
        for _ in 0..<500 where signal.waitingCount < count { try await Task.sleep(for: .milliseconds(10)) }
        try #require(signal.waitingCount == count)
    }

    @Test func aWakeUpBeforeTheWaitIsNotLost() async {
        let signal = WakeUpSignal()
        signal.signal()
        #expect(await signal.wait() == true, "the wait returns at once with the kept wake-up")
        #expect(!signal.isPending, "and consumes it")
    }

    @Test func aWakeUpEndsAWaitInProgress() async throws {
        let signal = WakeUpSignal()
        async let woken = signal.wait()
        try await waitUntil(signal, hasWaiting: 1)
        signal.signal()
        #expect(await woken == true)
        #expect(!signal.isPending, "a wake-up taken by a waiter is not kept for the next wait")
    }

    @Test func aWakeUpEndsEveryWaitInProgress() async throws {
        let signal = WakeUpSignal()
        async let first = signal.wait()
        async let second = signal.wait()
        try await waitUntil(signal, hasWaiting: 2)
        signal.signal()
        #expect(await first == true)
        #expect(await second == true)
    }

    @Test func wakeUpsWhileNobodyWaitsCollapseIntoOne() async {
        let signal = WakeUpSignal()
        signal.signal()
        signal.signal()
        signal.signal()
        #expect(await race(signal, against: .seconds(30)) == "wake")
        #expect(await race(signal, against: .milliseconds(50)) == "timer", "three wake-ups wake one wait")
    }

    @Test func aCancelledWaitReturnsFalseAndLaterWaitsStillWait() async throws {
        let signal = WakeUpSignal()
        let waiter = Task { await signal.wait() }
        try await waitUntil(signal, hasWaiting: 1)
        waiter.cancel()
        #expect(await waiter.value == false)
        #expect(signal.waitingCount == 0, "the cancelled wait removed itself")

        #expect(await race(signal, against: .milliseconds(100)) == "timer", "the next wait does not return at once")
        async let woken = signal.wait()
        try await waitUntil(signal, hasWaiting: 1)
        signal.signal()
        #expect(await woken == true, "and a later wake-up still ends it")
    }

    @Test func aWaitCancelledBeforeItStartsDoesNotConsumeAKeptWakeUp() async {
        let signal = WakeUpSignal()
        signal.signal()
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await signal.wait()
        }
        #expect(await cancelled.value == false)
        #expect(signal.isPending, "the wake-up is still kept")
        #expect(await signal.wait() == true)
    }

    /// The loop's sleep races a wait against its interval and cancels the loser, once per cycle: the interval must
    /// keep winning until a wake-up happens, and a wake-up after many lost races must still win.
    @Test func manyRacesLostToTheTimerLeaveTheWakeUpWorking() async {
        let signal = WakeUpSignal()
        for _ in 0..<50 {
            #expect(await race(signal, against: .milliseconds(1)) == "timer")
        }
        signal.signal()
        #expect(await race(signal, against: .seconds(30)) == "wake")
        #expect(await race(signal, against: .milliseconds(20)) == "timer", "the wake-up was consumed")
    }
}
