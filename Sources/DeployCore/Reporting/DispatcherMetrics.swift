import DeployBuild
import Foundation
import Metrics

/// What the dispatcher counts and times, through swift-metrics: nothing is kept unless the process bootstrapped a
/// metrics backend (`deployctl loop` with `DISPATCHER_HTTP_LISTEN` bootstraps Prometheus and serves `/metrics`).
///
/// Labels hold only repository names, step names and the stored spellings of outcomes — never a path or a secret.
/// The names and labels are documented in `docs/http.md`.
public enum DispatcherMetrics {
    /// The buckets of the duration histograms, in seconds: from a no-change cycle to a long build.
    public static let durationBuckets: [Duration] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]
        .map { .milliseconds(Int64($0 * 1000)) }

    /// A finished cycle: its result and time, each repository's green state, each step's time and each feedback
    /// file's outcome.
    static func record(_ report: CycleReport) {
        let record = report.record
        Counter(label: "deployctl_cycles_total", dimensions: [("result", record.result.rawValue)]).increment()
        Timer(label: "deployctl_cycle_duration_seconds").recordSeconds(record.finishedAt.timeIntervalSince(record.startedAt))
        for repository in record.repositories {
            let result: RecordedBuildResult? =
                switch repository.outcome {
                case .built: repository.buildResult
                default: nil
                }
            if let result {
                Gauge(label: "deployctl_repository_green", dimensions: [("repository", repository.repository)])
                    .record(result.passedEventually ? 1 : 0)
            }
        }
        for (name, build) in report.builds {
            for step in build.steps {
                Timer(
                    label: "deployctl_step_duration_seconds",
                    dimensions: [("repository", name), ("step", step.outcome.step.rawValue)]
                ).recordSeconds(step.outcome.duration.seconds)
            }
        }
        Self.record(feedback: record.feedback)
    }

    /// Feedback files' outcomes (a cycle's, or a batch the loop processed beside its cycles).
    static func record(feedback: [FeedbackEventRecord]) {
        for event in feedback {
            Counter(label: "deployctl_feedback_total", dimensions: [("outcome", event.outcome.rawValue)]).increment()
        }
    }

    /// A finished rollout.
    static func record(_ deployment: DeploymentRecord) {
        Counter(
            label: "deployctl_deployments_total",
            dimensions: [("repository", deployment.repository), ("outcome", deployment.outcome.rawValue)]
        ).increment()
    }

    /// A proposal attempt's outcome once it is known.
    static func record(proposal outcome: ProposalAttemptRecord.Outcome) {
        Counter(label: "deployctl_proposals_total", dimensions: [("outcome", outcome.rawValue)]).increment()
    }

    /// The fix ledger's figures per repository (`repository` label; the root's are their sum), read from `store`:
    /// the same counts `status --json` shows under `fixes`. One label set per name: Prometheus' client refuses a
    /// name with two.
    static func record(fixes store: any FixStore) {
        guard let records = try? store.fixes(repository: nil) else { return }
        for (name, summary) in FixLedgerReport(records).repositories {
            let dimensions = [("repository", name)]
            Gauge(label: "deployctl_fix_red_builds", dimensions: dimensions).record(summary.redBuilds)
            Gauge(label: "deployctl_fix_fixed_red_builds", dimensions: dimensions).record(summary.fixedRedBuilds)
            Gauge(label: "deployctl_fix_applied", dimensions: dimensions).record(summary.applied)
            Gauge(label: "deployctl_fix_reverted", dimensions: dimensions).record(summary.reverted)
            Gauge(label: "deployctl_fix_tokens", dimensions: dimensions + [("kind", "prompt")])
                .record(summary.promptTokens)
            Gauge(label: "deployctl_fix_tokens", dimensions: dimensions + [("kind", "completion")])
                .record(summary.completionTokens)
            Gauge(label: "deployctl_fix_cost", dimensions: dimensions).record(summary.cost)
            if let median = summary.medianSecondsToGreen {
                Gauge(label: "deployctl_fix_median_seconds_to_green", dimensions: dimensions).record(median)
            }
        }
    }
}
