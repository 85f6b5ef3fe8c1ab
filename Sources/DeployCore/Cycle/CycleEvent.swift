import DeployBuild

/// Progress of a cycle as it happens, for live display. Delivered on the cycle's own tasks; keep handlers quick.
public enum CycleEvent: Sendable {
    /// The update phase finished for a repository.
    case updated(repository: String, summary: String, succeeded: Bool)
    /// A repository is skipped this cycle (unchanged, backing off).
    case skipped(repository: String, reason: String)
    /// A build (with its test steps) started.
    case buildStarted(repository: String)
    /// A line of build or test output (secrets already redacted).
    case output(repository: String, line: String)
    /// A build finished.
    case buildFinished(repository: String, result: RepositoryBuildResult)
    /// A feedback file ended in `applied/` or `rejected/` (or was deferred, or checked with `--dry-run`).
    case feedback(file: String, outcome: FeedbackEventRecord.Outcome, detail: String)
}
