import DeployBuild
import DeployCore
import Foundation
import Logging

/// Words for people about a cycle.
enum ReportPrinter {
    /// The start-up report: which optional features are off and why (as the seed's check_env did).
    static func announce(_ configuration: DispatcherConfiguration, logger: Logger) {
        for feature in configuration.disabledFeatures {
            logger.info("\(feature)", source: CommandContext.logSource)
        }
    }

    /// One line per repository and the cycle's result.
    static func summary(_ report: CycleReport) -> String {
        var table = TablePrinter(header: ["REPOSITORY", "OUTCOME", "RESULT", "HEAD", "SUMMARY"])
        for repository in report.record.repositories {
            table.rows.append([
                repository.repository, repository.outcome.rawValue, repository.buildResult?.rawValue ?? "-",
                repository.head.map { String($0.prefix(10)) } ?? "-", repository.summary,
            ])
        }
        var out = report.record.repositories.isEmpty ? "no repositories to manage under repos/\n" : table.render()
        for rollout in report.deployments {
            out += "deploy " + RolloutPrinter.line(rollout) + "\n"
        }
        for event in report.record.feedback {
            out += feedbackLine(event) + "\n"
        }
        if let log = report.record.log { out += "log: \(log)\n" }
        out += "cycle \(report.cycleID): \(report.record.result.rawValue)\n"
        return out
    }

    /// `feedback NAME: OUTCOME — DETAIL`, and a second line, `warning: … restart failed: …`, when the restart command
    /// failed after the file was applied.
    static func feedbackLine(_ event: FeedbackEventRecord, prefix: String = "feedback ") -> String {
        var line =
            "\(prefix)\(event.file): \(event.outcome.rawValue)\(event.detail.isEmpty ? "" : " — \(event.detail)")"
        if let failure = event.restartFailure {
            line += "\nwarning: \(prefix)\(event.file): restart failed: \(failure)"
        }
        return line
    }
}
