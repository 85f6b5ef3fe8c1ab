/// The exit policy of `deployctl apply-feedback`: the status a batch of feedback files, or a `--propose` run, ends
/// with. Statuses are those of ``CycleReport/exitStatus``: 0 success, 1 a failure, 3 an infrastructure failure (2,
/// usage, is the command line's own).
public enum ApplyFeedbackExitPolicy {
    /// The status of a batch of feedback files: 1 when one was rejected (or would be, with `--dry-run`); else 3 when
    /// one was deferred or its restart command failed (or the batch was cancelled); else 0 (every file applied, or
    /// would apply; also for no file at all).
    /// - Parameters:
    ///   - records: one record per file, as `Dispatcher.processFeedback` returns them.
    ///   - cancelled: whether processing was cancelled.
    public static func exitStatus(for records: [FeedbackEventRecord], cancelled: Bool = false) -> Int32 {
        switch CycleRecord.Result(feedback: records, cancelled: cancelled) {
        case .passed: 0
        case .failed: 1
        case .infrastructure, .cancelled: 3
        }
    }

    /// The status of `apply-feedback --propose REPO`: 0 when a fix was published, or when there was nothing to fix
    /// (no attempt made and proposing not stopped); 3 when the last attempt failed or was deferred (the endpoint
    /// could not be used, or its file waits for a later run); else 1 (no proposal was applied).
    public static func exitStatus(for run: ProposalRun) -> Int32 {
        if run.fixed || (run.attempts.isEmpty && !run.stopped) { return 0 }
        if let last = run.attempts.last, last.outcome == .failed || last.outcome == .deferred { return 3 }
        return 1
    }
}
