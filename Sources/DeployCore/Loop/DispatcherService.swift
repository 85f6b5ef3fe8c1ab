import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// `deployctl loop` as a swift-service-lifecycle `Service`: cycles until graceful shutdown.
///
/// Between cycles it sleeps `DISPATCHER_INTERVAL` seconds, or less when woken: a call to ``wake()`` (the CLI wires
/// SIGHUP to it when the loop has no controlling terminal) starts the next cycle at once. Only a wake-up that
/// happened ends a sleep early: an unchanged root cycles once per interval. Feedback runs beside the cycles in its
/// own task, so a pull request that waits a day to be merged never holds up the other repositories' builds: a new
/// file in `feedback/` is taken at once, and an applied one wakes the next cycle. Rollouts (repositories with a
/// `deploy` block) run beside the cycles too, so a health gate that waits a minute holds up no other repository. On
/// graceful shutdown (SIGTERM, SIGINT) no new cycle starts; a running cycle (and feedback step) is cancelled — its
/// steps' process groups are killed — and recorded, a running rollout stops with its journal kept for the next run,
/// then ``run()`` returns.
public final class DispatcherService: Service, Sendable {
    private let dispatcher: Dispatcher
    private let interval: Duration
    private let logger: Logger
    private let observer: (@Sendable (CycleEvent) -> Void)?
    private let onCycle: (@Sendable (CycleReport) -> Void)?
    private let notifier: TransitionNotifier?
    /// When the last cycle finished (the loop's start before the first): what the stall watchdog reads.
    private let lastCycleFinished = Mutex(Date())
    /// Wakes the sleep between cycles (``wake()``, applied feedback).
    private let cycleWakeUp = WakeUpSignal()
    /// Wakes the feedback task (``wake()``, a new file in `feedback/`).
    private let feedbackWakeUp = WakeUpSignal()

    /// - Parameters:
    ///   - dispatcher: the dispatcher whose cycles this service runs (it holds the root's lock).
    ///   - logger: receives the loop's own events (start, stop, errors).
    ///   - observer: live progress of each cycle.
    ///   - onCycle: called with each finished cycle's report.
    ///   - notifier: told of each cycle, feedback batch and rollout (`DISPATCHER_NOTIFY_URL`), and of a loop that
    ///     finished no cycle for three intervals; nil tells nobody.
    public init(
        dispatcher: Dispatcher, logger: Logger, observer: (@Sendable (CycleEvent) -> Void)? = nil,
        onCycle: (@Sendable (CycleReport) -> Void)? = nil, notifier: TransitionNotifier? = nil
    ) {
        self.notifier = notifier
        self.dispatcher = dispatcher
        self.interval = .seconds(dispatcher.configuration.interval)
        self.logger = logger
        self.observer = observer
        self.onCycle = onCycle
    }

    /// Repositories named by push webhooks since the last cycle began, and whether a wake-up asked for all.
    private let requested = Mutex<(repositories: Set<RepositoryName>, everything: Bool)>(([], false))

    /// Starts the next cycle now (or right after the running one).
    public func wake() {
        requested.withLock { $0.everything = true }
        cycleWakeUp.signal()
        feedbackWakeUp.signal()
    }

    /// Starts a cycle of `repositories` now (or right after the running one): a forge's push webhook named them.
    /// Wake-ups that arrive before that cycle begins are merged into it; one of ``wake()`` makes it a whole cycle.
    public func wake(repositories: [RepositoryName]) {
        guard !repositories.isEmpty else { return }
        requested.withLock { $0.repositories.formUnion(repositories) }
        cycleWakeUp.signal()
    }

    /// The repositories and trigger of a cycle a wake-up started: only those a webhook named, unless any wake-up
    /// asked for all.
    private func takeRequest() -> (repositories: [RepositoryName], trigger: CycleRecord.Trigger) {
        requested.withLock { request in
            defer { request = ([], false) }
            if request.everything || request.repositories.isEmpty { return ([], .wake) }
            return (request.repositories.sorted(), .webhook)
        }
    }

    public func run() async throws {
        let watcher = FeedbackFolderWatcher(folder: dispatcher.root.feedback)
        defer { watcher.stop() }
        logger.info(
            "loop started", metadata: ["deploy.interval": "\(interval)", "deploy.feedback.watch": "\(watcher.mechanism.rawValue)"])
        feedbackWakeUp.signal()
        // The fix ledger's gauges start from what the store holds, not from the first fix of this run.
        DispatcherMetrics.record(fixes: dispatcher.store)
        let started = Date()
        await withTaskGroup(of: Void.self) { group in
            // One long-lived consumer of the watcher's stream; the feedback task waits on `feedbackWakeUp` instead.
            group.addTask { [feedbackWakeUp] in
                for await _ in watcher.events { feedbackWakeUp.signal() }
            }
            group.addTask { await self.processFeedbackUntilShutdown() }
            // Rollouts run beside the cycles: one waiting on its health gate holds up no other repository.
            group.addTask { [dispatcher, notifier] in
                await dispatcher.rollouts.runSubmitted { notifier?.observe(deployments: $0) }
            }
            if let notifier {
                notifier.seed((try? dispatcher.store.repositoryStates()) ?? [:])
                group.addTask { await notifier.run() }
                group.addTask { await self.watchForStalls(notifier) }
            }
            await cycleUntilShutdown(started: started)
            group.cancelAll()
        }
        try? dispatcher.store.updateHealth(
            DispatcherHealth(pid: getpid(), startedAt: started, heartbeatAt: Date(), nextCycleAt: nil, phase: .stopped))
        logger.info("loop stopped")
    }

    /// Runs cycles, sleeping between them, until graceful shutdown.
    private func cycleUntilShutdown(started: Date) async {
        var trigger = CycleRecord.Trigger.start
        var repositories: [RepositoryName] = []
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? dispatcher.store.updateHealth(
                DispatcherHealth(pid: getpid(), startedAt: started, heartbeatAt: Date(), nextCycleAt: nil, phase: .running))
            // Newest wins: while a repository builds, its remote is checked at the loop's own cadence.
            let options = CycleOptions(
                repositories: repositories, trigger: trigger, respectBackoff: true, processFeedback: false,
                supersedeCheckInterval: interval, handsOffRollouts: true)
            var superseded = false
            do {
                let report = try await cancelWhenGracefulShutdown {
                    try await self.dispatcher.runCycle(options, observer: self.observer)
                }
                lastCycleFinished.withLock { $0 = Date() }
                onCycle?(report)
                notifier?.observe(report)
                superseded = report.hasSupersededBuilds
            } catch {
                logger.error("cycle failed: \(error)")
            }
            guard !Task.isShuttingDownGracefully else { break }
            let next = Date().addingTimeInterval(Double(interval.components.seconds))
            try? dispatcher.store.updateHealth(
                DispatcherHealth(pid: getpid(), startedAt: started, heartbeatAt: Date(), nextCycleAt: next, phase: .sleeping))
            // A superseded build means a newer commit waits: build it now.
            repositories = []
            if superseded {
                trigger = .superseded
            } else if let next = await sleepUntil(wokenBy: cycleWakeUp).trigger {
                trigger = next
                if next == .wake { (repositories, trigger) = takeRequest() }
            } else {
                break
            }
            // A cycle of everything covers what webhooks asked for meanwhile.
            if trigger != .webhook { requested.withLock { $0 = ([], false) } }
        }
    }

    /// Takes feedback whenever `feedback/` changes (or every interval, to resume claims), until shutdown; records
    /// each batch in the store (trigger `feedback`, the result its files came to) and wakes the next cycle when
    /// something was applied.
    private func processFeedbackUntilShutdown() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if await sleepUntil(wokenBy: feedbackWakeUp) == .shutdown { break }
            guard dispatcher.hasFeedbackToProcess else { continue }
            let started = Date()
            do {
                let records = try await cancelWhenGracefulShutdown {
                    try await self.dispatcher.processFeedback(observer: self.observer, waitingForWriters: true)
                }
                guard !records.isEmpty else { continue }
                DispatcherMetrics.record(feedback: records)
                notifier?.observe(feedback: records)
                try dispatcher.store.record(
                    CycleRecord(
                        startedAt: started, finishedAt: Date(), trigger: .feedback,
                        result: CycleRecord.Result(feedback: records, cancelled: Task.isCancelled),
                        repositories: [], feedback: records, log: nil),
                    states: [])
                if records.contains(where: { $0.outcome == .applied }) {
                    // An applied file moved a checkout: the next cycle is a whole one, whatever webhooks asked for.
                    requested.withLock { $0.everything = true }
                    cycleWakeUp.signal()
                }
            } catch {
                logger.error("feedback could not be processed: \(error)")
            }
        }
    }

    /// Tells `notifier` when no cycle has finished for three intervals (once, until one finishes), checking every
    /// interval until cancelled.
    private func watchForStalls(_ notifier: TransitionNotifier) async {
        let limit = 3 * Double(interval.components.seconds)
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let last = lastCycleFinished.withLock { $0 }
            if Date().timeIntervalSince(last) > limit { notifier.loopStalled(since: last) }
        }
    }

    /// Waits for the interval, a wake-up or shutdown; returns what ended the wait.
    ///
    /// The losers of the race are cancelled; a cancelled ``WakeUpSignal/wait()`` consumes nothing, so a wake-up
    /// that comes later still ends the next sleep, and only a wake-up that happened ends one early.
    private func sleepUntil(wokenBy wakeUp: WakeUpSignal) async -> SleepEnding {
        let interval = self.interval
        return await withTaskGroup(of: SleepEnding?.self) { group in
            // Each child answers `nil` when it was cancelled rather than finished.
            group.addTask {
                do { try await Task.sleep(for: interval) } catch { return nil }
                return .interval
            }
            group.addTask {
                await wakeUp.wait() ? .wake : nil
            }
            group.addTask {
                do { try await gracefulShutdown() } catch { return nil }
                return .shutdown
            }
            var first: SleepEnding?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first ?? .shutdown
        }
    }
}
