import DeployBuild
import DeployGit
import Foundation

extension RepositoryCycleRecord {
    /// The record of a build that ran: its result, counts, failing tests, a one-line summary and the full report.
    init(built result: RepositoryBuildResult, updated: UpdatedRepository, settings: String, startedAt: Date, log: String) {
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
        self.init(
            repository: updated.name.rawValue, branch: updated.branch, head: updated.head?.hex,
            tree: updated.tree?.hex, toolchain: result.toolchainVersion, settings: settings, outcome: .built,
            buildResult: recorded, startedAt: startedAt, finishedAt: Date(), errors: errors, warnings: warnings,
            testsPassed: report.tests.passed, testsFailed: report.tests.failed, testsSkipped: report.tests.skipped,
            failingTests: failing, summary: summary, log: log,
            reportJSON: (try? encoder.encode(report)).map { String(decoding: $0, as: UTF8.self) }, logError: logError)
    }
}
