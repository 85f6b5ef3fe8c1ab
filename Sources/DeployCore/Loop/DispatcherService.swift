import Foundation
import Logging
import ServiceLifecycle

/// `deployctl loop` as a swift-service-lifecycle `Service`: cycles until graceful shutdown.
///
/// Between cycles it sleeps `DISPATCHER_INTERVAL` seconds, or less when woken: a call to ``wake()`` (the CLI wires
/// SIGHUP to it) starts the next cycle at once. Feedback runs beside the cycles in its own task, so a pull request
/// that waits a day to be merged never holds up the other repositories' builds: a new file in `feedback/` is taken
/// at once, and an applied one wakes the next cycle. On graceful shutdown (SIGTERM, SIGINT) no new cycle starts; a
/// running cycle (and feedback step) is cancelled — its steps' process groups are killed — and recorded, then
/// ``run()`` returns.
public final class DispatcherService: Service, Sendable {
    private let dispatcher: Dispatcher
    private let interval: Duration
    private let logger: Logger
    private let observer: (@Sendable (CycleEvent) -> Void)?
    private let onCycle: (@Sendable (CycleReport) -> Void)?
    private let wakeups: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let feedbackWakeups: AsyncStream<Void>
    private let feedbackWakeContinuation: AsyncStream<Void>.Continuation

    /// - Parameters:
    ///   - dispatcher: the dispatcher whose cycles this service runs (it holds the root's lock).
    ///   - logger: receives the loop's own events (start, stop, errors).
    ///   - observer: live progress of each cycle.
    ///   - onCycle: called with each finished cycle's report.
    public init(
        dispatcher: Dispatcher, logger: Logger, observer: (@Sendable (CycleEvent) -> Void)? = nil,
        onCycle: (@Sendable (CycleReport) -> Void)? = nil
    ) {
        self.dispatcher = dispatcher
        self.interval = .seconds(dispatcher.configuration.interval)
        self.logger = logger
        self.observer = observer
        self.onCycle = onCycle
        (wakeups, wakeContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        (feedbackWakeups, feedbackWakeContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts the next cycle now (or right after the running one).
    public func wake() {
        wakeContinuation.yield()
        feedbackWakeContinuation.yield()
    }

    public func run() async throws {
        let watcher = FeedbackFolderWatcher(folder: dispatcher.root.feedback)
        defer { watcher.stop() }
        logger.info(
            "loop started", metadata: ["deploy.interval": "\(interval)", "deploy.feedback.watch": "\(watcher.mechanism.rawValue)"])
        let forward = Task { [feedbackWakeContinuation] in
            for await _ in watcher.events { feedbackWakeContinuation.yield() }
        }
        defer { forward.cancel() }
        feedbackWakeContinuation.yield()
        let feedback = Task { await self.processFeedbackUntilShutdown() }
        defer { feedback.cancel() }
        let started = Date()
        var trigger = "start"
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? dispatcher.store.updateHealth(
                DispatcherHealth(pid: getpid(), startedAt: started, heartbeatAt: Date(), nextCycleAt: nil, phase: "running"))
            // Newest wins: while a repository builds, its remote is checked at the loop's own cadence.
            let options = CycleOptions(
                trigger: trigger, respectBackoff: true, processFeedback: false, supersedeCheckInterval: interval)
            var superseded = false
            do {
                let report = try await cancelWhenGracefulShutdown {
                    try await self.dispatcher.runCycle(options, observer: self.observer)
                }
                onCycle?(report)
                superseded = report.hasSupersededBuilds
            } catch {
                logger.error("cycle failed: \(error)")
            }
            guard !Task.isShuttingDownGracefully else { break }
            let next = Date().addingTimeInterval(Double(interval.components.seconds))
            try? dispatcher.store.updateHealth(
                DispatcherHealth(pid: getpid(), startedAt: started, heartbeatAt: Date(), nextCycleAt: next, phase: "sleeping"))
            // A superseded build means a newer commit waits: build it now.
            trigger = superseded ? "superseded" : await sleepUntilNextCycle()
        }
        try? dispatcher.store.updateHealth(
            DispatcherHealth(pid: getpid(), startedAt: started, heartbeatAt: Date(), nextCycleAt: nil, phase: "stopped"))
        logger.info("loop stopped")
    }

    /// Takes feedback whenever `feedback/` changes (or every interval, to resume claims), until shutdown; records
    /// each batch in the store (trigger `feedback`) and wakes the next cycle when something was applied.
    private func processFeedbackUntilShutdown() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if await sleepUntil(wakeups: feedbackWakeups) == "shutdown" { break }
            guard dispatcher.hasFeedbackToProcess else { continue }
            let started = Date()
            do {
                let records = try await cancelWhenGracefulShutdown {
                    try await self.dispatcher.processFeedback(observer: self.observer, waitingForWriters: true)
                }
                guard !records.isEmpty else { continue }
                try dispatcher.store.record(
                    CycleRecord(
                        startedAt: started, finishedAt: Date(), trigger: "feedback", result: "feedback",
                        repositories: [], feedback: records, log: nil),
                    states: [])
                if records.contains(where: { $0.outcome == "applied" }) { wakeContinuation.yield() }
            } catch {
                logger.error("feedback could not be processed: \(error)")
            }
        }
    }

    /// Waits for the interval, a wake-up or shutdown; returns what ended the wait.
    private func sleepUntilNextCycle() async -> String {
        await sleepUntil(wakeups: wakeups)
    }

    private func sleepUntil(wakeups: AsyncStream<Void>) async -> String {
        let interval = self.interval
        return await withTaskGroup(of: String.self) { group in
            group.addTask {
                try? await Task.sleep(for: interval)
                return "interval"
            }
            group.addTask {
                var iterator = wakeups.makeAsyncIterator()
                _ = await iterator.next()
                return "wake"
            }
            group.addTask {
                try? await gracefulShutdown()
                return "shutdown"
            }
            let first = await group.next() ?? "interval"
            group.cancelAll()
            return first
        }
    }
}
