import DeployBuild
import DeployFeedback
import Foundation
import Logging

extension Dispatcher {
    /// Processes pending feedback (or the named files) for the repositories this root manages, outside a cycle
    /// (``FeedbackPhase``).
    ///
    /// Each file ends in `feedback/applied/` or `feedback/rejected/` (or stays claimed after an environment failure,
    /// to be resumed next time).
    /// - Parameters:
    ///   - files: only these files (copied into `feedback/` when outside it); all pending ones when nil.
    ///   - dryRun: validate and check that patches apply; change nothing.
    ///   - toolchain: the toolchain verification builds with (located when nil and verification is on).
    ///   - logFile: where restart commands write their output (default `deploy/logs/restart.log`).
    ///   - observer: told about each file's outcome as it is decided.
    ///   - waitingForWriters: leave files that look still being written (modified in the last 2 s and not complete
    ///     JSON) for a later run — for the loop, which is woken while agents write.
    /// - Returns: one record per file, in processing order.
    public func processFeedback(
        files: [URL]? = nil, dryRun: Bool = false, toolchain: Toolchain? = nil, logFile: URL? = nil,
        observer: (@Sendable (CycleEvent) -> Void)? = nil, waitingForWriters: Bool = false
    ) async throws(DispatcherError) -> [FeedbackEventRecord] {
        let context = try commandContext(toolchain: toolchain, observer: observer)
        let phase = try await feedbackPhase(
            context, dryRun: dryRun, waitingForWriters: waitingForWriters, restartLog: logFile)
        do { return try await phase.run(files: files) } catch { throw Self.feedbackError(error) }
    }

    /// Checks feedback files as `apply-feedback --dry-run` does, without the root's lock: each is validated and its
    /// patch applied in memory against its repository; nothing is moved, committed or verified, so this runs beside
    /// a loop (an agent asking what a submission would do).
    ///
    /// The phase reads no state; it gets the root's store when there is one, else a throwaway one in a temporary
    /// folder, so that a root that never ran is not given a store by a check.
    /// - Throws: ``DispatcherError`` for a bad manifest or feedback that cannot be read at all.
    public static func checkFeedback(
        files: [URL], root: DeployRoot, configuration: DispatcherConfiguration,
        logger: Logger = Logger(label: "deployctl")
    ) async throws(DispatcherError) -> [FeedbackCheck] {
        var scratch: URL?
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        let store: SQLiteStateStore
        if let existing = try SQLiteStateStore.openExisting(at: root.stateDatabase) {
            store = existing
        } else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deployctl-check-\(UUID())")
            scratch = folder
            store = try SQLiteStateStore(url: folder.appendingPathComponent("state.sqlite"))
        }
        let context = CycleContext(
            root: root, configuration: configuration, manifest: try Manifest.load(at: root.manifestFile),
            credentials: configuration.gitCredentials, toolchain: nil, log: nil, previous: [:], store: store,
            logger: logger, observer: nil, networkTimeout: .seconds(60), faults: FaultInjection())
        let phase = FeedbackPhase(
            context: context, toolchain: nil, sandbox: nil, dryRun: true,
            restartLog: root.logs.appendingPathComponent("restart.log"))
        do { return try await phase.check(files: files) } catch { throw feedbackError(error) }
    }

    /// Feedback that could not be processed at all (the inbox unreadable, a named file missing).
    static func feedbackError(_ error: FeedbackError) -> DispatcherError {
        DispatcherError(
            .feedback, location: "feedback/", found: "feedback could not be processed: \(error)",
            accepted: "a readable feedback/ folder and files that exist")
    }

    /// Whether `feedback/` holds pending files or claims a killed run left behind (checked before opening a log).
    public var hasFeedbackToProcess: Bool {
        let inbox = FeedbackInbox(directory: root.feedback)
        let pending = (try? inbox.pendingFiles()) ?? []
        let claimed = ((try? FileManager.default.contentsOfDirectory(atPath: inbox.inflightDirectory.path)) ?? [])
            .filter { !$0.hasPrefix(".") }
        return !pending.isEmpty || !claimed.isEmpty
    }
}
