import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging

extension Dispatcher {
    /// What one cycle's builds share: the options, the state before the cycle, the toolchain and the cycle's log.
    struct BuildPhase: Sendable {
        let options: CycleOptions
        let manifest: Manifest
        let previous: [String: RepositoryState]
        let toolchain: Toolchain
        let log: CycleLog
        let builder: RepositoryBuilder
        let statuses: CommitStatusReporter?
        let observer: (@Sendable (CycleEvent) -> Void)?
    }

    /// How one repository's build step ended.
    enum BuildStepOutcome: Sendable {
        /// Nothing was built: the tree, toolchain and settings are those of the last build, a newer commit
        /// superseded the build while it ran, or the cycle log could not be created.
        case notBuilt(RepositoryCycleRecord)
        /// Built and tested, with the record to store.
        case built(RepositoryCycleRecord, RepositoryBuildResult)
        /// The cycle was cancelled before this build started.
        case cancelled
    }

    /// Builds and tests `updated` unless its tree, the toolchain and its build settings are those of its last
    /// recorded build (or `--force`); posts commit statuses; gives up the build when a newer commit supersedes it.
    func buildIfChanged(_ updated: UpdatedRepository, in phase: BuildPhase) async throws -> BuildStepOutcome {
        let key = updated.name.rawValue
        let observer = phase.observer
        let settings = buildSettings(for: updated.name, manifest: phase.manifest)
        let fingerprint = Self.fingerprint(settings)
        if !phase.options.force, let last = phase.previous[key]?.lastBuild, last.tree == updated.tree?.hex,
            last.toolchain == phase.toolchain.version, last.settings == fingerprint
        {
            let summary = "unchanged since \(ISO8601DateFormatter().string(from: last.finishedAt)) (last result: \(last.buildResult?.rawValue ?? "unknown"))"
            observer?(.skipped(repository: key, reason: summary))
            return .notBuilt(
                RepositoryCycleRecord(
                    repository: key, branch: updated.branch, head: updated.head?.hex, tree: updated.tree?.hex,
                    toolchain: phase.toolchain.version, settings: fingerprint, outcome: .unchanged, startedAt: Date(),
                    finishedAt: Date(), summary: summary, log: last.log))
        }
        if Task.isCancelled { return .cancelled }
        let buildStart = Date()
        let log: BuildLogFile
        do {
            log = try phase.log.file()
        } catch {
            // No log, no build: the cycle goes on and says why (a full disk or a read-only deploy/logs).
            let summary = "not built: the cycle log cannot be created: \(error)"
            logger.error("\(summary)", metadata: ["deploy.repo": "\(key)"])
            observer?(.skipped(repository: key, reason: summary))
            return .notBuilt(
                RepositoryCycleRecord(
                    repository: key, branch: updated.branch, head: updated.head?.hex, outcome: .updateFailed,
                    startedAt: buildStart, finishedAt: Date(), summary: summary))
        }
        observer?(.buildStarted(repository: key))
        await phase.statuses?.post(.pending, description: "deployctl is building and testing", for: updated)
        let live: (@Sendable (String) -> Void)? = observer.map { observer in
            { @Sendable line in observer(.output(repository: key, line: line)) }
        }
        let race = await buildUnlessSuperseded(updated, every: phase.options.supersedeCheckInterval) {
            await phase.builder.build(
                repository: updated.folder, name: key, settings: settings, toolchain: phase.toolchain, log: log,
                secrets: self.configuration.secrets, live: live)
        }
        switch race {
        case .finished(let result):
            observer?(.buildFinished(repository: key, result: result))
            await phase.statuses?.post(
                CommitStatusReporter.state(for: result),
                description: "\(result.recordedResult.rawValue): "
                    + "\(result.report.errorCount) errors, \(result.report.tests.passed) tests passed, "
                    + "\(result.report.tests.failed) failed",
                for: updated)
            return .built(
                Self.record(result, updated: updated, settings: fingerprint, startedAt: buildStart, log: log.url.path),
                result)
        case .superseded(let newer):
            let summary = "superseded by \(newer.short) while building \(updated.head?.short ?? "?"); the next cycle builds it"
            observer?(.skipped(repository: key, reason: summary))
            return .notBuilt(
                RepositoryCycleRecord(
                    repository: key, branch: updated.branch, head: updated.head?.hex, tree: updated.tree?.hex,
                    outcome: .superseded, startedAt: buildStart, finishedAt: Date(), summary: summary,
                    log: log.url.path))
        }
    }
}
