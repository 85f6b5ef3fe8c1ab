import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging

/// The cycle's last step: the exit status, the cycle record and each repository's next state (failures in a row,
/// backoff) in one store transaction; then the cycle log committed to the root's repository
/// (`DISPATCHER_COMMIT_LOGS=1`) and old logs pruned.
struct CycleRecorder: Sendable {
    let context: CycleContext
    let backoff: BackoffPolicy

    /// Records the cycle that started at `startedAt` and returns its report.
    /// - Throws: ``DispatcherError`` with code `store` (nothing of the cycle is recorded then).
    func record(
        startedAt: Date, trigger: CycleRecord.Trigger, log: CycleLog, repositories: [RepositoryCycleRecord],
        builds: [String: RepositoryBuildResult], feedback: [FeedbackEventRecord], deployments: [DeploymentRecord] = []
    ) async throws(DispatcherError) -> CycleReport {
        let previous = context.previous
        let lastBuilds = previous.compactMapValues(\.lastBuild)
        var exitStatus = CycleReport.exitStatus(for: repositories, lastBuilds: lastBuilds)
        // A restart command that failed after its feedback was applied: the deployment did not finish.
        if exitStatus == 0, feedback.contains(where: { $0.restartFailure != nil }) { exitStatus = 3 }
        // A revision rolled back failed like a red build; a rollout that left no healthy release is an outage.
        if exitStatus == 0, deployments.contains(where: { $0.outcome == .rolledBack }) { exitStatus = 1 }
        if exitStatus != 1, deployments.contains(where: { $0.outcome == .failed }) { exitStatus = 3 }
        let result = CycleRecord.Result(exitStatus: exitStatus, cancelled: Task.isCancelled)
        let record = CycleRecord(
            startedAt: startedAt, finishedAt: Date(), trigger: trigger, result: result,
            repositories: repositories, feedback: feedback, log: log.existing?.url.path)
        let states = repositories.map { nextState(for: $0, previous: previous[$0.repository]) }
        let cycleID = try context.store.record(record, states: states)
        context.faults.reach(.stateWritten)
        log.close()
        let configuration = context.configuration
        if configuration.commitLogs, let file = log.existing?.url,
            CycleLogCommitter.resultsChanged(repositories, lastBuilds: lastBuilds)
        {
            _ = await CycleLogCommitter(
                root: context.root,
                author: Signature(name: configuration.gitUserName, email: configuration.gitUserEmail),
                credentials: context.credentials, networkTimeout: context.networkTimeout, logger: context.logger
            ).commit(log: file, cycleResult: result, records: repositories)
        }
        let removed = BuildLogDirectory(url: context.root.logs, faults: context.faults).prune(
            LogRetentionPolicy(
                maximumCount: configuration.logRetentionCount,
                maximumAge: Double(configuration.logRetentionDays) * 86400))
        if !removed.isEmpty { context.logger.debug("log retention removed \(removed.count) files") }
        let report = CycleReport(
            record: record, cycleID: cycleID, builds: builds, exitStatus: exitStatus, deployments: deployments)
        DispatcherMetrics.record(report)
        return report
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
