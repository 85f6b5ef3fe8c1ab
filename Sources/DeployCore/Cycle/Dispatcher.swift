import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging
import Synchronization

/// Runs dispatcher cycles on one opened deploy root: a cycle is a sequence of phases over one ``CycleContext`` —
/// update every repository (fast-forward only), build and test what changed, roll out green revisions of
/// repositories with a `deploy` block, propose fixes for red builds, apply pending feedback — and the dispatcher records what they returned in its ``StateStore``.
///
/// ```swift
/// let dispatcher = try Dispatcher.open(root: root, configuration: configuration, logger: logger)
/// let report = try await dispatcher.runCycle(CycleOptions())
/// print(report.record.result)
/// ```
///
/// A new phase is a type in `Cycle/Phases/` that takes the context and returns a typed result; ``runCycle(_:observer:)``
/// calls it in order and hands its result to the ``CycleRecorder``.
public final class Dispatcher: Sendable {
    public let root: DeployRoot
    public let configuration: DispatcherConfiguration
    let store: any StateStore
    let logger: Logger
    private let opened: OpenedRoot
    /// How long one fetch, push or clone may take.
    public let networkTimeout: Duration
    let backoff: BackoffPolicy
    /// Fault injection for crash tests, handed to everything the dispatcher builds that reaches a ``FaultPoint``.
    let faults: FaultInjection
    /// Rollouts handed over by the loop's cycles (``CycleOptions/handsOffRollouts``), run by ``DispatcherService``.
    let rollouts = RolloutQueue()
    /// The verification sandbox as found, and whether it was tried yet (``verificationSandbox()``).
    let sandboxAvailability: Mutex<(availability: SandboxLocator.Availability, isConfirmed: Bool)?>

    /// A dispatcher on an opened root.
    /// - Parameters:
    ///   - root: the root, opened (its lock held) for this dispatcher.
    ///   - configuration: the effective configuration (see ``ConfigurationLoader``).
    ///   - store: where cycles, repository states and proposal attempts are recorded.
    ///   - logger: receives what the dispatcher does, with `deploy.*` metadata.
    ///   - networkTimeout: how long one fetch, push or clone may take.
    ///   - backoff: how long a repository that cannot be updated waits before the next attempt (loop only).
    ///   - verificationSandbox: the sandbox already looked up (``locateVerificationSandbox(_:)``); it is tried, or
    ///     looked for, when feedback is first verified.
    ///   - faults: fault injection for crash tests (the test-only `deployctl-faults` executable arms it); the
    ///     default injects nothing.
    public init(
        root: OpenedRoot, configuration: DispatcherConfiguration, store: any StateStore,
        logger: Logger = Logger(label: "deployctl"), networkTimeout: Duration = .seconds(300),
        backoff: BackoffPolicy = BackoffPolicy(), verificationSandbox: SandboxLocator.Availability? = nil,
        faults: FaultInjection = FaultInjection()
    ) {
        self.faults = faults
        opened = root
        self.root = root.root
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.networkTimeout = networkTimeout
        self.backoff = backoff
        sandboxAvailability = Mutex(verificationSandbox.map { ($0, false) })
    }

    /// Opens `root` (takes its lock, ends orphaned steps, creates its folders) and its SQLite state store, and
    /// returns a dispatcher on them: what a command does before its first cycle.
    /// - Parameter command: how this dispatcher describes itself to a second one that finds the lock held.
    /// - Throws: ``DispatcherError``: `rootLocked` when another dispatcher works on the root, `invalidRoot`, `store`.
    public static func open(
        root: DeployRoot, configuration: DispatcherConfiguration, command: String = "deployctl",
        logger: Logger = Logger(label: "deployctl"), networkTimeout: Duration = .seconds(300),
        backoff: BackoffPolicy = BackoffPolicy(), verificationSandbox: SandboxLocator.Availability? = nil,
        faults: FaultInjection = FaultInjection()
    ) throws(DispatcherError) -> Dispatcher {
        let opened = try root.open(command: command, logger: logger)
        return Dispatcher(
            root: opened, configuration: configuration,
            store: try SQLiteStateStore(url: root.stateDatabase, faults: faults), logger: logger,
            networkTimeout: networkTimeout, backoff: backoff, verificationSandbox: verificationSandbox, faults: faults)
    }

    /// The repositories this root manages: folders under `repos/` and manifest entries, sorted by name.
    public func managedRepositories(manifest: Manifest) -> [RepositoryName] {
        CycleContext.managedRepositories(root: root, manifest: manifest)
    }

    /// Runs one cycle and records it.
    ///
    /// A failing build, an unreachable remote or a rejected feedback file is a normal result recorded in the report,
    /// never a throw. Cancelling the calling task stops running steps (their process groups are killed) and the cycle
    /// is recorded as cancelled.
    /// - Throws: ``DispatcherError``: a configuration code for a bad manifest or an unknown repository in `options`,
    ///   `toolchain` when no Swift toolchain can be found, `store` when the state store fails.
    public func runCycle(_ options: CycleOptions, observer: (@Sendable (CycleEvent) -> Void)? = nil)
        async throws(DispatcherError) -> CycleReport
    {
        let startedAt = Date()
        let manifest = try Manifest.load(at: root.manifestFile)
        let selected = try select(options.repositories, from: managedRepositories(manifest: manifest), flag: "--repo")
        let previous = try store.repositoryStates()
        let credentials = configuration.gitCredentials
        // Before the update: a committed build.log that an earlier version replaced is put back.
        let logs = logDirectory()

        // The toolchain is asked for its version while the repositories are fetched.
        async let located = CycleContext.toolchainLookup(root: root, configuration: configuration)
        let update = await UpdatePhase(
            root: root, manifest: manifest, credentials: credentials, previous: previous, options: options,
            configuration: configuration, networkTimeout: networkTimeout,
            interruptedHolderLifetime: opened.interruptedHolderLifetime, faults: faults, logger: logger,
            observer: observer
        ).run(selected)
        let toolchain: Toolchain
        do { toolchain = try await located.get() } catch { throw Self.toolchainError(error) }
        let log = CycleLog(directory: logs, startedAt: startedAt, faults: faults)
        let context = CycleContext(
            root: root, configuration: configuration, manifest: manifest, credentials: credentials,
            toolchain: toolchain, log: log, previous: previous, store: store, logger: logger, observer: observer,
            networkTimeout: networkTimeout, faults: faults)

        let built = await BuildPhase(context: context, toolchain: toolchain, log: log, options: options).run(update)
        let repositories = selected.compactMap { built.records[$0.rawValue] }
        RevertedFixes.mark(built: repositories, context: context)
        // Green revisions of repositories with a `deploy` block are rolled out before feedback is taken.
        let deployments =
            Task.isCancelled
            ? [] : await DeployPhase(context: context, queue: options.handsOffRollouts ? rollouts : nil).run(built.records)

        // Proposals (DISPATCHER_PROPOSE_FIXES=1) are feedback files too: both go through one feedback phase.
        var feedback: [FeedbackEventRecord] = []
        var feedbackPhase: FeedbackPhase?
        // Also under `loop`, whose pending feedback is its feedback task's: a proposal is processed here at once (one
        // the feedback task takes first is processed there, and its attempt record reads the outcome later).
        if options.proposesFixes, !Task.isCancelled, proposesFixes, let client = context.chatClient() {
            do {
                let phase = try await self.feedbackPhase(context, restartLog: try? log.file().url)
                    .with(builds: repositories)
                feedbackPhase = phase
                feedback += await ProposePhase(context: context, client: client, feedback: phase).run(for: repositories)
            } catch {
                logger.error("fixes could not be proposed: \(error)")
            }
        }
        if options.processFeedback, !Task.isCancelled, hasFeedbackToProcess {
            do {
                let logFile = try log.file().url
                let phase: FeedbackPhase
                if let feedbackPhase { phase = feedbackPhase } else {
                    phase = try await self.feedbackPhase(context, restartLog: logFile).with(builds: repositories)
                }
                feedback += try await phase.run()
            } catch {
                logger.error("feedback could not be processed: \(error)")
            }
        }

        return try await CycleRecorder(context: context, backoff: backoff).record(
            startedAt: startedAt, trigger: options.trigger, log: log, repositories: repositories,
            builds: built.builds, feedback: feedback, deployments: deployments)
    }

    /// The feedback phase on `context`: a toolchain and the sandbox when it verifies.
    func feedbackPhase(
        _ context: CycleContext, dryRun: Bool = false, waitingForWriters: Bool = false, restartLog: URL? = nil
    ) async throws(DispatcherError) -> FeedbackPhase {
        var toolchain: Toolchain?
        var sandbox: SandboxSettings?
        if FeedbackPhase.verifies(configuration, dryRun: dryRun) {
            do { toolchain = try await context.locatedToolchain() } catch { throw Self.toolchainError(error) }
            sandbox = try await verificationSandbox().settings
        }
        return FeedbackPhase(
            context: context, toolchain: toolchain, sandbox: sandbox, dryRun: dryRun,
            waitingForWriters: waitingForWriters,
            restartLog: restartLog ?? root.logs.appendingPathComponent("restart.log"))
    }

    /// A context outside a cycle (`apply-feedback`, the loop's feedback task): the manifest loaded now, no cycle log.
    func commandContext(toolchain: Toolchain? = nil, observer: (@Sendable (CycleEvent) -> Void)?)
        throws(DispatcherError) -> CycleContext
    {
        CycleContext(
            root: root, configuration: configuration, manifest: try Manifest.load(at: root.manifestFile),
            credentials: configuration.gitCredentials, toolchain: toolchain, log: nil,
            previous: try store.repositoryStates(), store: store, logger: logger, observer: observer,
            networkTimeout: networkTimeout, faults: faults)
    }

    /// `names` when each is managed (all when empty), in name order.
    /// - Throws: ``DispatcherError`` naming `flag` for a repository this root does not manage.
    func select(_ names: [RepositoryName], from all: [RepositoryName], flag: String) throws(DispatcherError)
        -> [RepositoryName]
    {
        for name in names where !all.contains(name) {
            throw DispatcherError(
                .invalidRepositoryName, location: flag, found: "'\(name)', which this root does not manage",
                accepted: all.isEmpty ? "no repository (repos/ is empty)" : all.map(\.rawValue).joined(separator: ", "))
        }
        return names.isEmpty ? all : all.filter { names.contains($0) }
    }

    /// No toolchain to build with: the toolchain locator's own message (what it tried, what to set).
    static func toolchainError(_ error: BuildError) -> DispatcherError {
        DispatcherError(
            .toolchain, location: ConfigurationTable.swiftOverride.name, found: error.description,
            accepted: "a Swift toolchain: \(ConfigurationTable.swiftOverride.name), xcrun swift, or swift on PATH")
    }

    /// The cycle logs' folder; `build.log` is not pointed at the latest log where the root's repository tracks it.
    private func logDirectory() -> BuildLogDirectory {
        guard let repository = RootRepository(root: root) else { return BuildLogDirectory(url: root.logs) }
        repository.restoreTrackedLatestLog(logger: logger)
        return BuildLogDirectory(url: root.logs, linksLatest: !repository.tracksLatestLog)
    }
}
