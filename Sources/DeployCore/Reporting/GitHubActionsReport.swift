import DeployBuild
import Foundation

/// GitHub Actions integration: workflow annotations for diagnostics and failed tests, and a step summary.
/// `deployctl run-once` prints the annotations and appends the summary when `GITHUB_ACTIONS=true`.
public enum GitHubActionsReport {
    /// `::error file=…,line=…,col=…::message` for each distinct error, `::warning …` for each warning, and one
    /// `::error` per failed test.
    public static func annotations(for report: CycleReport) -> String {
        var out = ""
        for name in report.builds.keys.sorted() {
            guard let build = report.builds[name] else { continue }
            for diagnostic in build.report.diagnostics where diagnostic.severity == .error || diagnostic.severity == .warning {
                var properties: [String] = []
                if let file = diagnostic.file { properties.append("file=\(escapeProperty(file))") }
                if let line = diagnostic.line { properties.append("line=\(line)") }
                if let column = diagnostic.column { properties.append("col=\(column)") }
                properties.append("title=\(escapeProperty("\(name): \(diagnostic.severity.rawValue)"))")
                out += "::\(diagnostic.severity == .error ? "error" : "warning") \(properties.joined(separator: ","))::\(escapeData(diagnostic.message))\n"
            }
            for failure in build.report.tests.failures {
                var properties: [String] = []
                if let file = failure.file { properties.append("file=\(escapeProperty(file))") }
                if let line = failure.line { properties.append("line=\(line)") }
                let test = [failure.suite, failure.name].compactMap { $0 }.joined(separator: ".")
                properties.append("title=\(escapeProperty("\(name): test \(test) failed"))")
                out += "::error \(properties.joined(separator: ","))::\(escapeData(failure.message))\n"
            }
        }
        return out
    }

    /// Appends the per-repository table as Markdown to the step summary file (`GITHUB_STEP_SUMMARY`).
    public static func appendStepSummary(for report: CycleReport, to url: URL) throws {
        var text = "## deployctl cycle \(report.cycleID): \(report.record.result.rawValue)\n\n"
        text += "| repository | outcome | result | errors | warnings | tests passed | tests failed | head |\n"
        text += "|---|---|---|---|---|---|---|---|\n"
        for repository in report.record.repositories {
            text += "| \(repository.repository) | \(repository.outcome.rawValue) | "
                + "\(repository.buildResult?.rawValue ?? "-") | "
                + "\(repository.errors) | \(repository.warnings) | \(repository.testsPassed) | \(repository.testsFailed) | "
                + "\(repository.head.map { String($0.prefix(10)) } ?? "-") |\n"
        }
        for name in report.builds.keys.sorted() {
            guard let build = report.builds[name], build.report.hasProblems else { continue }
            text += "\n<details><summary>\(name)</summary>\n\n\(build.report.markdownSummary())\n</details>\n"
        }
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Workflow command data escaping (`%`, CR, LF).
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Workflow command property escaping (data escaping plus `:` and `,`).
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
