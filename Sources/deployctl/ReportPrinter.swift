import DeployBuild
import DeployCore
import Foundation
import Logging

/// Words for people about a cycle.
enum ReportPrinter {
    /// The start-up report: which optional features are off and why (as the seed's check_env did).
    static func announce(_ configuration: DispatcherConfiguration, logger: Logger) {
        for feature in configuration.disabledFeatures {
            logger.info("\(feature)")
        }
    }

    /// One line per repository and the cycle's result.
    static func summary(_ report: CycleReport) -> String {
        var table = TablePrinter(header: ["REPOSITORY", "OUTCOME", "RESULT", "HEAD", "SUMMARY"])
        for repository in report.record.repositories {
            table.rows.append([
                repository.repository, repository.outcome.rawValue, repository.buildResult ?? "-",
                repository.head.map { String($0.prefix(10)) } ?? "-", repository.summary,
            ])
        }
        var out = report.record.repositories.isEmpty ? "no repositories to manage under repos/\n" : table.render()
        for event in report.record.feedback {
            out += "feedback \(event.file): \(event.outcome)\(event.detail.isEmpty ? "" : " — \(event.detail)")\n"
        }
        if let log = report.record.log { out += "log: \(log)\n" }
        out += "cycle \(report.cycleID): \(report.record.result)\n"
        return out
    }
}
