import DeployBuild
import DeployCore
import Foundation

/// Renders a ``StatusReport`` as an aligned table for people.
struct StatusPrinter {
    let style: TerminalStyle

    func render(_ report: StatusReport) -> String {
        var out = "deploy root: \(report.root)\n"
        if report.loop.running {
            out += "loop: running (\(report.loop.holder ?? "unknown holder"))"
            if let next = report.loop.nextCycleAt { out += ", next cycle \(Self.relative(next))" }
            out += "\n"
        } else {
            out += "loop: not running\n"
        }
        if report.neverRan {
            out += "no cycle has run on this root yet (run `deployctl run-once`)\n"
        } else if let at = report.loop.lastCycleAt {
            out += "last cycle: \(report.loop.lastCycleResult?.rawValue ?? "?") \(Self.relative(at))\n"
        }
        out += "pending feedback: \(report.pendingFeedback)\n"
        if let fixes = report.fixes, fixes.total.attempts > 0 { out += fixes.total.line + "\n" }
        for file in report.inflightFeedback ?? [] {
            let attempts = file.attempts > 1 ? ", \(file.attempts) attempts" : ""
            let waiting = Self.duration(file.waitingSeconds)
            out += "  in progress: \(file.file) (stage \(file.stage), waiting \(waiting)\(attempts))\n"
        }
        if let legacy = report.legacyAppliedFeedback {
            out += "legacy feedback marks (the seed's applied-*.json, never applied again): "
                + legacy.joined(separator: ", ") + "\n"
        }
        if let quarantined = report.quarantined {
            out += "damaged checkouts kept for you to recover (deployctl never removes them):\n"
            for checkout in quarantined {
                let when = checkout.movedAt.map { ", moved aside \(Self.relative($0))" } ?? ""
                out += "  \(checkout.path) (\(checkout.repository)\(when))\n"
            }
        }
        out += "\n"
        guard !report.repos.isEmpty else { return out + "no repositories under repos/\n" }
        var table = TablePrinter(header: ["REPOSITORY", "BRANCH", "HEAD", "DEPLOYED", "RESULT", "WHEN", "TIME", "ERR", "WARN", "TESTS", "NOTE"])
        for repo in report.repos {
            let build = repo.lastBuild
            let tests = build.map { "\($0.testsPassed) passed, \($0.testsFailed) failed" } ?? "-"
            var note = repo.lastCycle.map { $0.outcome == .built ? "" : $0.summary } ?? "never built"
            if !(build?.failingTests.isEmpty ?? true) {
                note = "failing: " + build!.failingTests.prefix(3).joined(separator: ", ") + (note.isEmpty ? "" : "; " + note)
            }
            if let proposals = repo.proposals {
                let text =
                    proposals.fixed
                    ? "proposed fix published"
                    : proposals.stopped
                        ? proposals.lastOutcome == .stopped
                            ? "stopped proposing fixes: \(proposals.lastDetail)"
                            : "stopped proposing fixes after \(proposals.attempts) attempts"
                        : "fix proposals: \(proposals.attempts)/\(proposals.limit), last \(proposals.lastOutcome.rawValue)"
                note += (note.isEmpty ? "" : "; ") + text
            }
            if let report = repo.deployment?.report, repo.deployment?.state != .healthy {
                note += (note.isEmpty ? "" : "; ") + "rollout report: \(report)"
            }
            if repo.pendingFeedback > 0 { note += (note.isEmpty ? "" : "; ") + "\(repo.pendingFeedback) feedback pending" }
            table.rows.append([
                repo.name,
                repo.branch ?? "-",
                repo.head.map { String($0.prefix(10)) } ?? "-",
                repo.deployment.map(paint(deployment:)) ?? "-",
                build.map { paint(result: $0.result) } ?? "-",
                build.map { Self.relative($0.finishedAt) } ?? "-",
                build.map { String(format: "%.1fs", $0.durationSeconds) } ?? "-",
                build.map { String($0.errors) } ?? "-",
                build.map { String($0.warnings) } ?? "-",
                tests,
                note,
            ])
        }
        out += table.render()
        if let history = report.history, !history.isEmpty {
            var cycles = TablePrinter(header: ["CYCLE", "FINISHED", "RESULT", "TRIGGER", "REPOSITORIES"])
            for cycle in history {
                let built = cycle.record.repositories.filter { $0.outcome == .built }.count
                cycles.rows.append([
                    String(cycle.id), ISO8601DateFormatter().string(from: cycle.record.finishedAt),
                    paint(result: cycle.record.result), cycle.record.trigger.rawValue,
                    "\(cycle.record.repositories.count) (\(built) built)",
                ])
            }
            out += "\n" + cycles.render()
        }
        if let deployments = report.deployments, !deployments.isEmpty {
            var rollouts = TablePrinter(
                header: ["REPOSITORY", "REVISION", "OUTCOME", "TRIGGER", "FINISHED", "COMMAND", "GATE", "LAST PROBE"])
            for rollout in deployments {
                rollouts.rows.append([
                    rollout.repository, String(rollout.revision.prefix(10)), paint(outcome: rollout.outcome),
                    rollout.trigger.rawValue, ISO8601DateFormatter().string(from: rollout.finishedAt),
                    rollout.commandSeconds.map { String(format: "%.1fs", $0) } ?? "-",
                    rollout.healthSeconds.map { String(format: "%.1fs", $0) } ?? "-",
                    String((rollout.lastProbe ?? "-").prefix(60)),
                ])
            }
            out += "\n" + rollouts.render()
        }
        return out
    }

    /// `a1b2c3d healthy`: the current release's short revision and state.
    private func paint(deployment: StatusReport.Deployment) -> String {
        let revision = deployment.revision.map { String($0.prefix(7)) } ?? "-"
        let colour: TerminalStyle.Colour =
            switch deployment.state {
            case .healthy: .green
            case .deploying, .rolledBack: .yellow
            case .failed: .red
            }
        return "\(revision) \(style.paint(deployment.state.rawValue, colour))"
    }

    private func paint(outcome: DeploymentRecord.Outcome) -> String {
        switch outcome {
        case .healthy: style.paint(outcome.rawValue, .green)
        case .rolledBack: style.paint(outcome.rawValue, .yellow)
        case .failed: style.paint(outcome.rawValue, .red)
        }
    }

    private func paint(result: RecordedBuildResult) -> String {
        switch result {
        case .passed: style.paint(result.rawValue, .green)
        case .failed, .timedOut: style.paint(result.rawValue, .red)
        case .flaky, .cancelled, .skipped: style.paint(result.rawValue, .yellow)
        }
    }

    private func paint(result: CycleRecord.Result) -> String {
        switch result {
        case .passed: style.paint(result.rawValue, .green)
        case .failed, .infrastructure: style.paint(result.rawValue, .red)
        case .cancelled: style.paint(result.rawValue, .yellow)
        }
    }

    static func relative(_ date: Date, now: Date = Date()) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        let text = duration(Double(abs(seconds)))
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }

    /// `42s`, `5m`, `3h`, `2d`.
    static func duration(_ seconds: Double) -> String {
        let magnitude = Int(seconds)
        return magnitude < 60
            ? "\(magnitude)s" : magnitude < 3600 ? "\(magnitude / 60)m" : magnitude < 86400
            ? "\(magnitude / 3600)h" : "\(magnitude / 86400)d"
    }
}
