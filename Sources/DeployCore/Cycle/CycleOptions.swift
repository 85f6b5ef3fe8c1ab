/// What one cycle should do.
public struct CycleOptions: Sendable, Hashable {
    /// Only these repositories (all when empty).
    public var repositories: [RepositoryName]
    /// Rebuild even when tree, toolchain and settings are unchanged.
    public var force: Bool
    /// What started the cycle, recorded in the store.
    public var trigger: CycleRecord.Trigger
    /// Skip repositories that are backing off after failures (the loop does; a one-off run does not).
    public var respectBackoff: Bool
    /// Process pending feedback after the builds.
    public var processFeedback: Bool
    /// Propose fixes for red builds and rolled-back revisions (with `DISPATCHER_PROPOSE_FIXES=1`), also when the
    /// cycle leaves pending feedback to another task (the loop's): a proposal is processed at once.
    public var proposesFixes: Bool
    /// While a repository builds, fetch its remote this often; when its branch has moved on, the stale build is
    /// cancelled and recorded as superseded (newest wins). Nil never checks (a one-off run builds what it found).
    public var supersedeCheckInterval: Duration?
    /// Hand rollouts to the dispatcher's rollout queue instead of waiting for them (the loop, which runs the queue
    /// beside its cycles: ``DispatcherService``); a one-off run waits, so its exit status includes them.
    public var handsOffRollouts: Bool

    public init(
        repositories: [RepositoryName] = [], force: Bool = false, trigger: CycleRecord.Trigger = .runOnce,
        respectBackoff: Bool = false, processFeedback: Bool = true, supersedeCheckInterval: Duration? = nil,
        handsOffRollouts: Bool = false, proposesFixes: Bool = true
    ) {
        self.proposesFixes = proposesFixes
        self.handsOffRollouts = handsOffRollouts
        self.supersedeCheckInterval = supersedeCheckInterval
        self.repositories = repositories
        self.force = force
        self.trigger = trigger
        self.respectBackoff = respectBackoff
        self.processFeedback = processFeedback
    }
}
