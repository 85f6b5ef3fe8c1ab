import DeployBuild
import DeployFeedback
import DeployGit
import DeployHTTP
import Foundation
import Logging

/// The cycle's build phase: each updated repository is built and tested unless its tree, the toolchain and its
/// build settings are those of its last recorded build (or `--force`), one at a time in name order (builds use
/// every core); commit statuses are posted (`DISPATCHER_COMMIT_STATUS=1`), and a build that a newer commit
/// supersedes is given up.
struct BuildPhase: Sendable {
    let context: CycleContext
    let toolchain: Toolchain
    let log: CycleLog
    let options: CycleOptions
    let builder: RepositoryBuilder
    let statuses: CommitStatusReporter?

    init(context: CycleContext, toolchain: Toolchain, log: CycleLog, options: CycleOptions) {
        self.context = context
        self.toolchain = toolchain
        self.log = log
        self.options = options
        builder = RepositoryBuilder(runner: context.stepRunner)
        statuses =
            context.configuration.postCommitStatus
            ? CommitStatusReporter(
                manifest: context.manifest, configuration: context.configuration, logger: context.logger)
            : nil
    }

    /// What the phase did.
    struct Result: Sendable {
        /// The record of each repository the phase came to, by name (update failures and repositories backing off
        /// included).
        var records: [String: RepositoryCycleRecord] = [:]
        /// The full result of each build that ran, by name.
        var builds: [String: RepositoryBuildResult] = [:]
    }

    /// How one repository's build ended.
    enum RepositoryOutcome: Sendable {
        /// Nothing was built: the tree, toolchain and settings are those of the last build, a newer commit
        /// superseded the build while it ran, or the cycle log could not be created.
        case notBuilt(RepositoryCycleRecord)
        /// Built and tested, with the record to store.
        case built(RepositoryCycleRecord, RepositoryBuildResult)
        /// The cycle was cancelled before this build started.
        case cancelled
    }

    func run(_ update: UpdatePhase.Result) async -> Result {
        var result = Result()
        for record in update.backingOff { result.records[record.repository] = record }
        building: for name in update.attempted {
            let key = name.rawValue
            switch update.updates[name] {
            case .failure(let failure):
                result.records[key] = RepositoryCycleRecord(
                    repository: key, branch: failure.branch, head: failure.head?.hex, outcome: .updateFailed,
                    startedAt: Date(), finishedAt: Date(), summary: failure.summary)
            case .success(let updated):
                switch await buildIfChanged(updated) {
                case .notBuilt(let record):
                    result.records[key] = record
                case .built(let record, let build):
                    result.records[key] = record
                    result.builds[key] = build
                case .cancelled:
                    break building
                }
                // A damaged checkout moved aside and cloned again is said in its record, whatever its build did.
                if let notice = updated.notice, var record = result.records[key] {
                    record.summary = "\(notice); \(record.summary)"
                    result.records[key] = record
                }
            case nil:
                continue
            }
        }
        return result
    }

    /// Builds and tests `updated` unless nothing that goes into its build changed.
    func buildIfChanged(_ updated: UpdatedRepository) async -> RepositoryOutcome {
        let key = updated.name.rawValue
        let observer = context.observer
        let settings = context.buildSettings(for: updated.name)
        let fingerprint = CycleContext.fingerprint(settings)
        if !options.force, let last = context.previous[key]?.lastBuild, last.tree == updated.tree?.hex,
            last.toolchain == toolchain.version, last.settings == fingerprint
        {
            let summary = "unchanged since \(ISO8601DateFormatter().string(from: last.finishedAt)) (last result: \(last.buildResult?.rawValue ?? "unknown"))"
            observer?(.skipped(repository: key, reason: summary))
            return .notBuilt(
                RepositoryCycleRecord(
                    repository: key, branch: updated.branch, head: updated.head?.hex, tree: updated.tree?.hex,
                    toolchain: toolchain.version, settings: fingerprint, outcome: .unchanged, startedAt: Date(),
                    finishedAt: Date(), summary: summary, log: last.log))
        }
        if Task.isCancelled { return .cancelled }
        let buildStart = Date()
        let file: BuildLogFile
        do {
            file = try log.file()
        } catch {
            // No log, no build: the cycle goes on and says why (a full disk or a read-only deploy/logs).
            let summary = "not built: the cycle log cannot be created: \(error)"
            context.logger.error("\(summary)", metadata: ["deploy.repo": "\(key)"])
            observer?(.skipped(repository: key, reason: summary))
            return .notBuilt(
                RepositoryCycleRecord(
                    repository: key, branch: updated.branch, head: updated.head?.hex, outcome: .updateFailed,
                    startedAt: buildStart, finishedAt: Date(), summary: summary))
        }
        observer?(.buildStarted(repository: key))
        await statuses?.post(.pending, description: "deployctl is building and testing", for: updated)
        let live: (@Sendable (String) -> Void)? = observer.map { observer in
            { @Sendable line in observer(.output(repository: key, line: line)) }
        }
        let race = await SupersedeWatch(
            credentials: context.credentials, networkTimeout: context.networkTimeout,
            interval: options.supersedeCheckInterval
        ).build(updated) { [builder, toolchain, secrets = context.configuration.secrets] in
            await builder.build(
                repository: updated.folder, name: key, settings: settings, toolchain: toolchain, log: file,
                secrets: secrets, live: live)
        }
        switch race {
        case .finished(let result):
            observer?(.buildFinished(repository: key, result: result))
            await statuses?.post(
                CommitStatusReporter.state(for: result),
                description: "\(result.recordedResult.rawValue): "
                    + "\(result.report.errorCount) errors, \(result.report.tests.passed) tests passed, "
                    + "\(result.report.tests.failed) failed",
                for: updated)
            return .built(
                RepositoryCycleRecord(
                    built: result, updated: updated, settings: fingerprint, startedAt: buildStart,
                    log: file.url.path),
                result)
        case .superseded(let newer):
            let summary = "superseded by \(newer.short) while building \(updated.head?.short ?? "?"); the next cycle builds it"
            observer?(.skipped(repository: key, reason: summary))
            return .notBuilt(
                RepositoryCycleRecord(
                    repository: key, branch: updated.branch, head: updated.head?.hex, tree: updated.tree?.hex,
                    outcome: .superseded, startedAt: buildStart, finishedAt: Date(), summary: summary,
                    log: file.url.path))
        }
    }
}
