import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging
import Synchronization

/// Runs dispatcher cycles on one deploy root: update every repository (fast-forward only), build and test what
/// changed, apply pending feedback, record everything in the state store.
///
/// Creating a dispatcher takes the root's lock, so only one dispatcher works on a root at a time; the lock is released
/// when the dispatcher is released (or the process ends, however it ends).
///
/// ```swift
/// let dispatcher = try Dispatcher(root: root, configuration: configuration, logger: logger)
/// let report = try await dispatcher.runCycle(CycleOptions())
/// print(report.record.result)
/// ```
public final class Dispatcher: Sendable {
    public let root: DeployRoot
    public let configuration: DispatcherConfiguration
    public let store: any StateStore
    let logger: Logger
    private let lock: DispatcherLock
    /// How long one fetch, push or clone may take.
    public let networkTimeout: Duration
    let backoff: BackoffPolicy
    /// Fault injection for crash tests, handed to everything the dispatcher builds that reaches a ``FaultPoint``.
    let faults: FaultInjection
    /// The verification sandbox as found, and whether it was tried yet (``verificationSandbox()``).
    let sandboxAvailability: Mutex<(availability: SandboxLocator.Availability, isConfirmed: Bool)?>

    /// Takes the root's lock and opens (or creates) its state store.
    /// - Parameters:
    ///   - root: the deploy root to work on.
    ///   - configuration: the effective configuration (see ``ConfigurationLoader``).
    ///   - command: how this dispatcher describes itself to a second one that finds the lock held.
    ///   - logger: receives what the dispatcher does, with `deploy.*` metadata.
    ///   - networkTimeout: how long one fetch, push or clone may take.
    ///   - backoff: how long a repository that cannot be updated waits before the next attempt (loop only).
    ///   - verificationSandbox: the sandbox already looked up (``locateVerificationSandbox(_:)``); it is tried, or
    ///     looked for, when feedback is first verified.
    ///   - faults: fault injection for crash tests (the test-only `deployctl-faults` executable arms it); the
    ///     default injects nothing.
    /// - Throws: ``DispatcherLock/HeldError`` when another dispatcher works on the root; store errors.
    public init(
        root: DeployRoot, configuration: DispatcherConfiguration, command: String = "deployctl",
        logger: Logger = Logger(label: "deployctl"), networkTimeout: Duration = .seconds(300),
        backoff: BackoffPolicy = BackoffPolicy(), verificationSandbox: SandboxLocator.Availability? = nil,
        faults: FaultInjection = FaultInjection()
    ) throws {
        self.faults = faults
        sandboxAvailability = Mutex(verificationSandbox.map { ($0, false) })
        self.root = root
        self.configuration = configuration
        self.logger = logger
        self.networkTimeout = networkTimeout
        self.backoff = backoff
        lock = try DispatcherLock(root: root, command: command)
        for group in OrphanedSteps.reap(under: root.url) {
            logger.warning("ended process group \(group), a step left running by a killed dispatcher")
        }
        try root.createWritableFolders()
        store = try SQLiteStateStore(url: root.stateDatabase, faults: faults)
    }

    /// The repositories this root manages: folders under `repos/` and manifest entries, sorted by name.
    public func managedRepositories(manifest: Manifest) -> [RepositoryName] {
        let names = Set(root.repositoryFolders().names).union(manifest.repositories.map(\.name))
        return names.sorted()
    }

    /// The build settings of one repository: configuration plus its manifest overrides.
    func buildSettings(for name: RepositoryName, manifest: Manifest) -> RepositoryBuildSettings {
        let entry = manifest.repository(named: name)
        return RepositoryBuildSettings(
            jobs: configuration.swiftpmJobs, buildCommand: entry?.buildCommand, testCommand: entry?.testCommand,
            timeout: .seconds(configuration.stepTimeout), dockerBuild: configuration.buildDocker,
            runE2E: configuration.runE2E, inheritedVariables: entry?.environmentNames ?? [])
    }

    /// The cycle logs' folder; `build.log` is not pointed at the latest log where the root's repository tracks it.
    func logDirectory() -> BuildLogDirectory {
        guard let repository = RootRepository(root: root) else { return BuildLogDirectory(url: root.logs) }
        repository.restoreTrackedLatestLog(logger: logger)
        return BuildLogDirectory(url: root.logs, linksLatest: !repository.tracksLatestLog)
    }

    /// The Swift toolchain to build with. An unchanged toolchain's version comes from the cache in `deploy/`,
    /// without starting the compiler driver.
    func locateToolchain() async throws(BuildError) -> Toolchain {
        try await ToolchainLocator(probe: .current(environment: ProcessInfo.processInfo.environment))
            .locate(override: configuration.swiftOverride, cache: ToolchainVersionCache(file: root.toolchainVersionCache))
    }

    /// A stable text of the settings, stored with each build; a change rebuilds.
    static func fingerprint(_ settings: RepositoryBuildSettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(settings), as: UTF8.self)) ?? ""
    }

    /// Runs one cycle and records it.
    ///
    /// A failing build, an unreachable remote or a rejected feedback file is a normal result recorded in the report,
    /// never a throw. Cancelling the calling task stops running steps (their process groups are killed) and the cycle
    /// is recorded as cancelled.
    /// - Throws: ``ConfigurationError`` for a bad manifest or an unknown repository in `options`; `BuildError`
    ///   when no Swift toolchain can be found; store errors.
    public func runCycle(_ options: CycleOptions, observer: (@Sendable (CycleEvent) -> Void)? = nil) async throws
        -> CycleReport
    {
        let startedAt = Date()
        let manifest = try Manifest.load(at: root.manifestFile)
        let all = managedRepositories(manifest: manifest)
        for name in options.repositories where !all.contains(name) {
            throw ConfigurationError(
                .invalidRepositoryName, location: "--repo", found: "'\(name)', which this root does not manage",
                accepted: all.isEmpty ? "no repository (repos/ is empty)" : all.map(\.rawValue).joined(separator: ", "))
        }
        let selected = options.repositories.isEmpty ? all : all.filter { options.repositories.contains($0) }
        let previous = try store.repositoryStates()
        let now = Date()

        // Backoff: repositories that keep failing wait (loop only).
        var attempted: [RepositoryName] = []
        var records: [String: RepositoryCycleRecord] = [:]
        for name in selected {
            if options.respectBackoff, let next = previous[name.rawValue]?.nextAttemptAt, next > now {
                let reason = "backing off after \(previous[name.rawValue]?.consecutiveFailures ?? 0) failures until \(ISO8601DateFormatter().string(from: next))"
                observer?(.skipped(repository: name.rawValue, reason: reason))
                records[name.rawValue] = RepositoryCycleRecord(
                    repository: name.rawValue, branch: previous[name.rawValue]?.latest?.branch,
                    head: previous[name.rawValue]?.latest?.head, outcome: .backingOff, startedAt: now,
                    finishedAt: now, summary: reason)
            } else {
                attempted.append(name)
            }
        }

        // Before the update: a committed build.log that an earlier version replaced is put back.
        let logs = logDirectory()

        // Update phase: fetch and fast-forward concurrently, bounded; the toolchain is asked for its version meanwhile.
        async let located = locateToolchain()
        let updates = await updateAll(attempted, manifest: manifest, observer: observer)

        // Build phase: sequential (builds use every core), in name order.
        let toolchain = try await located
        let cycleLog = CycleLog(directory: logs, startedAt: startedAt, faults: faults)
        let phase = BuildPhase(
            options: options, manifest: manifest, previous: previous, toolchain: toolchain, log: cycleLog,
            builder: RepositoryBuilder(runner: StepRunner(faults: faults)),
            statuses: configuration.postCommitStatus
                ? CommitStatusReporter(manifest: manifest, configuration: configuration, logger: logger) : nil,
            observer: observer)
        var builds: [String: RepositoryBuildResult] = [:]
        building: for name in attempted {
            let key = name.rawValue
            switch updates[name] {
            case .failure(let failure):
                records[key] = RepositoryCycleRecord(
                    repository: key, branch: failure.branch, head: failure.head?.hex, outcome: .updateFailed,
                    startedAt: now, finishedAt: Date(), summary: failure.summary)
            case .success(let updated):
                switch try await buildIfChanged(updated, in: phase) {
                case .notBuilt(let record):
                    records[key] = record
                case .built(let record, let result):
                    records[key] = record
                    builds[key] = result
                case .cancelled:
                    break building
                }
            case nil:
                continue
            }
        }

        // A damaged checkout moved aside and cloned again is said in its record, whatever its build did.
        for case .success(let updated) in updates.values {
            if let notice = updated.notice, var record = records[updated.name.rawValue] {
                record.summary = "\(notice); \(record.summary)"
                records[updated.name.rawValue] = record
            }
        }

        // Proposal phase (DISPATCHER_PROPOSE_FIXES=1): ask the model to fix red builds; verified as feedback.
        var feedback: [FeedbackEventRecord] = []
        if options.processFeedback, !Task.isCancelled, proposesFixes {
            feedback += await proposeFixes(
                for: selected.compactMap { records[$0.rawValue] }, previous: previous, toolchain: toolchain,
                logFile: try? cycleLog.file().url, observer: observer)
        }

        // Feedback phase.
        if options.processFeedback, !Task.isCancelled, hasFeedbackToProcess {
            do {
                feedback += try await processFeedback(
                    toolchain: toolchain, logFile: try cycleLog.file().url, observer: observer)
            } catch {
                logger.error("feedback could not be processed: \(error)")
            }
        }

        // Record.
        let ordered = selected.compactMap { records[$0.rawValue] }
        let lastBuilds = previous.compactMapValues(\.lastBuild)
        var exitStatus = CycleReport.exitStatus(for: ordered, lastBuilds: lastBuilds)
        // A restart command that failed after its feedback was applied: the deployment did not finish.
        if exitStatus == 0, feedback.contains(where: { $0.restartFailure != nil }) { exitStatus = 3 }
        let result = CycleRecord.Result(exitStatus: exitStatus, cancelled: Task.isCancelled)
        let record = CycleRecord(
            startedAt: startedAt, finishedAt: Date(), trigger: options.trigger, result: result,
            repositories: ordered, feedback: feedback, log: cycleLog.existing?.url.path)
        let states = ordered.map { nextState(for: $0, previous: previous[$0.repository]) }
        let cycleID = try store.record(record, states: states)
        faults.reach(.stateWritten)
        cycleLog.close()
        if configuration.commitLogs, let log = cycleLog.existing?.url,
            CycleLogCommitter.resultsChanged(ordered, lastBuilds: lastBuilds)
        {
            _ = await CycleLogCommitter(
                root: root, author: Signature(name: configuration.gitUserName, email: configuration.gitUserEmail),
                credentials: GitCredentials(token: configuration.githubToken?.revealed),
                networkTimeout: networkTimeout, logger: logger
            ).commit(log: log, cycleResult: result, records: ordered)
        }
        let removed = BuildLogDirectory(url: root.logs, faults: faults).prune(
            LogRetentionPolicy(
                maximumCount: configuration.logRetentionCount,
                maximumAge: Double(configuration.logRetentionDays) * 86400))
        if !removed.isEmpty { logger.debug("log retention removed \(removed.count) files") }
        return CycleReport(record: record, cycleID: cycleID, builds: builds, exitStatus: exitStatus)
    }

    private func updateAll(
        _ names: [RepositoryName], manifest: Manifest, observer: (@Sendable (CycleEvent) -> Void)?
    ) async -> [RepositoryName: Result<UpdatedRepository, UpdateFailure>] {
        let updater = RepositoryUpdater(
            root: root, manifest: manifest, credentials: GitCredentials(token: configuration.githubToken?.revealed),
            networkTimeout: networkTimeout, logger: logger, killedDispatcherLifetime: lock.interruptedHolderLifetime)
        let limit = max(1, configuration.fetchConcurrency)
        return await withTaskGroup(of: (RepositoryName, Result<UpdatedRepository, UpdateFailure>).self) { group in
            var results: [RepositoryName: Result<UpdatedRepository, UpdateFailure>] = [:]
            var pending = names[...]
            func report(_ name: RepositoryName, _ result: Result<UpdatedRepository, UpdateFailure>) {
                switch result {
                case .success(let updated): observer?(.updated(repository: name.rawValue, summary: updated.summary, succeeded: true))
                case .failure(let failure): observer?(.updated(repository: name.rawValue, summary: failure.summary, succeeded: false))
                }
                results[name] = result
                faults.reach(.fetched)
            }
            for _ in 0..<limit {
                guard let name = pending.popFirst() else { break }
                group.addTask { (name, await updater.update(name)) }
            }
            while let (name, result) = await group.next() {
                report(name, result)
                if let next = pending.popFirst() {
                    group.addTask { (next, await updater.update(next)) }
                }
            }
            return results
        }
    }

    static func record(
        _ result: RepositoryBuildResult, updated: UpdatedRepository, settings: String, startedAt: Date, log: String
    ) -> RepositoryCycleRecord {
        let report = result.report
        let failing = report.tests.failures.map { failure in
            [failure.suite, failure.name].compactMap { $0 }.joined(separator: ".")
        }
        let recorded = result.recordedResult
        let errors = report.errorCount
        let warnings = report.warningCount
        var summary = "\(recorded.rawValue): \(errors) errors, \(warnings) warnings, \(report.tests.passed) tests passed, \(report.tests.failed) failed"
        if let crashed = report.tests.crashed {
            let named = crashed.name != nil || !crashed.candidates.isEmpty
            summary += named ? "; crashed in \(crashed.displayName)" : "; crashed"
        }
        let logError = result.steps.lazy.compactMap(\.outcome.logError).first
        if let logError { summary += "; the log is incomplete: \(logError)" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return RepositoryCycleRecord(
            repository: updated.name.rawValue, branch: updated.branch, head: updated.head?.hex,
            tree: updated.tree?.hex, toolchain: result.toolchainVersion, settings: settings, outcome: .built,
            buildResult: recorded, startedAt: startedAt, finishedAt: Date(), errors: errors, warnings: warnings,
            testsPassed: report.tests.passed, testsFailed: report.tests.failed, testsSkipped: report.tests.skipped,
            failingTests: failing, summary: summary, log: log,
            reportJSON: (try? encoder.encode(report)).map { String(decoding: $0, as: UTF8.self) }, logError: logError)
    }

    /// Failures in a row and the backoff that follows; a success resets both.
    func nextState(for record: RepositoryCycleRecord, previous: RepositoryState?) -> RepositoryState {
        // Only infrastructure failures back off: a red build of a new commit is a result, and the next commit must
        // build at once (newest wins).
        let failed: Bool
        switch record.outcome {
        case .built, .unchanged, .superseded: failed = false
        case .updateFailed: failed = true
        case .backingOff:
            return RepositoryState(
                repository: record.repository, consecutiveFailures: previous?.consecutiveFailures ?? 0,
                nextAttemptAt: previous?.nextAttemptAt)
        }
        let failures = failed ? (previous?.consecutiveFailures ?? 0) + 1 : 0
        let delay = backoff.delay(afterFailures: failures, jitter: Double.random(in: 0...1))
        return RepositoryState(
            repository: record.repository, consecutiveFailures: failures,
            nextAttemptAt: failures > 0 ? Date().addingTimeInterval(delay) : nil)
    }
}

/// The cycle's log file, created on first use so that a cycle that builds nothing writes no log.
final class CycleLog: @unchecked Sendable {
    private let directory: BuildLogDirectory
    private let startedAt: Date
    private let lock = NSLock()
    private var opened: BuildLogFile?
    private let faults: FaultInjection

    init(directory: BuildLogDirectory, startedAt: Date, faults: FaultInjection = FaultInjection()) {
        self.directory = directory
        self.startedAt = startedAt
        self.faults = faults
    }

    /// The log, created now if needed.
    func file() throws -> BuildLogFile {
        try lock.withLock {
            if let opened { return opened }
            let file = try directory.makeCycleLog(at: startedAt)
            opened = file
            faults.reach(.logOpened)
            return file
        }
    }

    /// The log if one was created.
    var existing: BuildLogFile? { lock.withLock { opened } }

    func close() {
        lock.withLock { opened?.close() }
    }
}
