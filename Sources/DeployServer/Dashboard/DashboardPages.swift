import DeployBuild
import DeployCore
import Foundation

/// The dashboard's two pages, rendered on the server from the status report (no script at all): the overview
/// (`GET /`) and one repository (`GET /repositories/NAME`). Both refresh themselves every ``refreshSeconds``.
struct DashboardPages: Sendable {
    static let refreshSeconds = 10
    /// Log lines shown on a repository's page.
    static let logLines = 60

    let root: DeployRoot

    /// The overview: the loop, pending feedback, every repository, the last rollouts.
    func overview(_ report: StatusReport, now: Date = Date()) -> String {
        var body = "<h1>deployctl</h1>\n<ul class=\"facts\">\n"
        body += "<li>root <code>\(HTML.escape(report.root))</code></li>\n"
        if report.loop.running {
            body += "<li>loop <span class=\"passed\">running</span> (\(HTML.escape(report.loop.holder ?? "")))</li>\n"
        } else {
            body += "<li>loop <span class=\"failed\">not running</span></li>\n"
        }
        if let at = report.loop.lastCycleAt {
            let result = report.loop.lastCycleResult?.rawValue ?? "?"
            body += "<li>last cycle <span class=\"\(result)\">\(result)</span> \(Self.ago(at, now: now))</li>\n"
        } else {
            body += "<li>no cycle has run yet</li>\n"
        }
        if let next = report.loop.nextCycleAt { body += "<li>next cycle \(Self.ago(next, now: now))</li>\n" }
        body += "<li id=\"pending\">pending feedback: \(report.pendingFeedback)</li>\n</ul>\n"

        body += "<h2>Repositories</h2>\n<div class=\"scroll\"><table id=\"repositories\">\n"
        body += "<tr><th>repository</th><th>branch</th><th>head</th><th>deployed</th><th>result</th><th>when</th>"
        body += "<th>errors</th><th>warnings</th><th>tests</th><th>note</th></tr>\n"
        for repository in report.repos {
            let build = repository.lastBuild
            let result = build?.result.rawValue ?? "-"
            var note = repository.lastCycle.map { $0.outcome == .built ? "" : $0.summary } ?? "never built"
            if let failing = build?.failingTests, !failing.isEmpty {
                note = "failing: " + failing.prefix(3).joined(separator: ", ") + (note.isEmpty ? "" : "; " + note)
            }
            if repository.pendingFeedback > 0 { note += (note.isEmpty ? "" : "; ") + "\(repository.pendingFeedback) feedback pending" }
            let deployed = repository.deployment.map { deployment in
                "<code>\(HTML.escape(String((deployment.revision ?? "-").prefix(7))))</code> "
                    + "<span class=\"\(deployment.state.rawValue)\">\(deployment.state.rawValue)</span>"
            } ?? "-"
            body += "<tr class=\"repository\" data-result=\"\(HTML.escape(result))\">"
            body += "<td><a href=\"/repositories/\(HTML.escape(repository.name))\">\(HTML.escape(repository.name))</a></td>"
            body += "<td>\(HTML.escape(repository.branch ?? "-"))</td>"
            body += "<td><code>\(HTML.escape(String((repository.head ?? "-").prefix(10))))</code></td>"
            body += "<td>\(deployed)</td>"
            body += "<td><span class=\"\(HTML.escape(result))\">\(HTML.escape(result))</span></td>"
            body += "<td>\(build.map { Self.ago($0.finishedAt, now: now) } ?? "-")</td>"
            body += "<td>\(build.map { String($0.errors) } ?? "-")</td><td>\(build.map { String($0.warnings) } ?? "-")</td>"
            body += "<td>\(build.map { "\($0.testsPassed) passed, \($0.testsFailed) failed" } ?? "-")</td>"
            body += "<td class=\"note\">\(HTML.escape(note))</td></tr>\n"
        }
        body += "</table></div>\n"

        if let inflight = report.inflightFeedback, !inflight.isEmpty {
            body += "<h2>Feedback in progress</h2>\n<ul>\n"
            for file in inflight {
                body += "<li><code>\(HTML.escape(file.file))</code>: stage \(HTML.escape(file.stage.rawValue)), "
                    + "\(file.attempts) attempt\(file.attempts == 1 ? "" : "s")</li>\n"
            }
            body += "</ul>\n"
        }
        if let deployments = report.deployments, !deployments.isEmpty {
            body += "<h2>Rollouts</h2>\n<div class=\"scroll\"><table id=\"rollouts\">\n"
            body += "<tr><th>repository</th><th>revision</th><th>outcome</th><th>trigger</th><th>finished</th>"
            body += "<th>gate</th><th>why</th></tr>\n"
            for rollout in deployments {
                body += "<tr><td>\(HTML.escape(rollout.repository))</td>"
                body += "<td><code>\(HTML.escape(String(rollout.revision.prefix(10))))</code></td>"
                body += "<td><span class=\"\(rollout.outcome.rawValue)\">\(rollout.outcome.rawValue)</span></td>"
                body += "<td>\(rollout.trigger.rawValue)</td><td>\(Self.ago(rollout.finishedAt, now: now))</td>"
                body += "<td>\(rollout.healthSeconds.map { String(format: "%.1f s", $0) } ?? "-")</td>"
                body += "<td class=\"note\">\(HTML.escape(rollout.failure ?? ""))</td></tr>\n"
            }
            body += "</table></div>\n"
        }
        return HTML.page(title: "deployctl", refreshSeconds: Self.refreshSeconds, body: body)
    }

    /// One repository: its last build's diagnostics with file:line, the failed tests, the log's last lines and its
    /// recent cycles.
    func repository(
        _ repository: StatusReport.Repository, report: BuildReport?, history: [StoredCycle], now: Date = Date()
    ) -> String {
        let name = HTML.escape(repository.name)
        var body = "<p><a href=\"/\">← all repositories</a></p>\n<h1>\(name)</h1>\n<ul class=\"facts\">\n"
        body += "<li>branch \(HTML.escape(repository.branch ?? "-"))</li>\n"
        body += "<li>head <code>\(HTML.escape(String((repository.head ?? "-").prefix(12))))</code></li>\n"
        if let build = repository.lastBuild {
            body += "<li>last build <span class=\"\(build.result.rawValue)\">\(build.result.rawValue)</span> "
                + "\(Self.ago(build.finishedAt, now: now)), \(String(format: "%.1f", build.durationSeconds)) s</li>\n"
        }
        if let deployment = repository.deployment {
            body += "<li>deployed <code>\(HTML.escape(String((deployment.revision ?? "-").prefix(12))))</code> "
                + "<span class=\"\(deployment.state.rawValue)\">\(deployment.state.rawValue)</span></li>\n"
        }
        body += "</ul>\n"

        let diagnostics = (report?.diagnostics ?? []).filter { $0.severity == .error || $0.severity == .warning }
        body += "<h2>Diagnostics</h2>\n"
        if diagnostics.isEmpty {
            body += "<p>none</p>\n"
        } else {
            body += "<div class=\"scroll\"><table id=\"diagnostics\">\n<tr><th>where</th><th>severity</th><th>message</th></tr>\n"
            for diagnostic in diagnostics.prefix(200) {
                var place = diagnostic.file.map { relative($0, repository.name) } ?? "-"
                if let line = diagnostic.line { place += ":\(line)" }
                if let column = diagnostic.column { place += ":\(column)" }
                let severity = diagnostic.severity == .error ? "failed" : "flaky"
                body += "<tr class=\"diagnostic\"><td><code>\(HTML.escape(place))</code></td>"
                body += "<td><span class=\"\(severity)\">\(HTML.escape("\(diagnostic.severity)"))</span></td>"
                body += "<td class=\"message\">\(HTML.escape(diagnostic.message))</td></tr>\n"
            }
            body += "</table></div>\n"
        }
        let failures = report?.tests.failures ?? []
        body += "<h2>Failed tests</h2>\n"
        if failures.isEmpty {
            body += "<p>none</p>\n"
        } else {
            body += "<ul id=\"failures\">\n"
            for failure in failures.prefix(100) {
                let test = [failure.suite, failure.name].compactMap { $0 }.joined(separator: ".")
                var place = failure.file.map { relative($0, repository.name) } ?? ""
                if let line = failure.line { place += ":\(line)" }
                body += "<li><code>\(HTML.escape(test))</code>\(place.isEmpty ? "" : " at <code>\(HTML.escape(place))</code>"): "
                    + "\(HTML.escape(failure.message))</li>\n"
            }
            body += "</ul>\n"
        }
        if let log = repository.lastBuild?.log, FileManager.default.isReadableFile(atPath: log) {
            body += "<h2>Log (last \(Self.logLines) lines)</h2>\n<pre id=\"log\">"
                + HTML.escape(StatusRoutes.lastLines(Self.logLines, of: URL(fileURLWithPath: log))) + "</pre>\n"
        }
        let cycles = history.compactMap { cycle in
            cycle.record.repositories.first { $0.repository == repository.name }.map { (cycle, $0) }
        }
        body += "<h2>Recent cycles</h2>\n"
        if cycles.isEmpty {
            body += "<p>none recorded</p>\n"
        } else {
            body += "<div class=\"scroll\"><table id=\"cycles\">\n<tr><th>cycle</th><th>finished</th><th>outcome</th>"
            body += "<th>result</th><th>head</th><th>summary</th></tr>\n"
            for (cycle, record) in cycles.prefix(10) {
                let result = record.buildResult?.rawValue ?? "-"
                body += "<tr><td>\(cycle.id)</td><td>\(Self.ago(record.finishedAt, now: now))</td>"
                body += "<td>\(record.outcome.rawValue)</td><td><span class=\"\(result)\">\(result)</span></td>"
                body += "<td><code>\(HTML.escape(String((record.head ?? "-").prefix(10))))</code></td>"
                body += "<td class=\"note\">\(HTML.escape(record.summary))</td></tr>\n"
            }
            body += "</table></div>\n"
        }
        return HTML.page(title: "\(repository.name) — deployctl", refreshSeconds: Self.refreshSeconds, body: body)
    }

    /// `path` relative to the repository's checkout when it is inside it.
    private func relative(_ path: String, _ name: String) -> String {
        let folder = root.repositories.appendingPathComponent(name).path + "/"
        return path.hasPrefix(folder) ? String(path.dropFirst(folder.count)) : path
    }

    /// `42 s ago`, `5 min ago`, `in 3 min`.
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        let magnitude = abs(seconds)
        let text =
            magnitude < 60 ? "\(magnitude) s" : magnitude < 3600 ? "\(magnitude / 60) min"
            : magnitude < 86400 ? "\(magnitude / 3600) h" : "\(magnitude / 86400) d"
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }
}
