import DeployBuild

extension FaultPoint {
    /// Right after a claimed file's journal records `phase` (`FeedbackProcessor`): where a ``FaultInjection`` plan with
    /// the `halt` action stops processing, as a kill there would leave it (the file is deferred, and the next run
    /// resumes it from its journal). Named `journaled.PHASE`, e.g. `journaled.committed`.
    public static func journaled(_ phase: FeedbackClaimPhase) -> FaultPoint {
        FaultPoint(rawValue: "journaled.\(phase.rawValue)")
    }
}
