import DeployBuild

/// What `runCycle` returns: the stored record, the full build results and the exit status the CLI maps it to.
public struct CycleReport: Sendable, Codable {
    /// The record written to the state store.
    public var record: CycleRecord
    /// The id of the record in the store.
    public var cycleID: Int64
    /// The full result of each build that ran this cycle, by repository (diagnostics, failing tests, steps).
    public var builds: [String: RepositoryBuildResult]
    /// What the CLI exits with: 0 all green (or unchanged and last green), 1 a build or test failed, 3 an
    /// infrastructure failure (including a cycle log that could not be written whole, and a restart command that
    /// failed after its feedback was applied) with no build failure.
    public var exitStatus: Int32
    /// The rollouts this cycle finished (repositories with a `deploy` block), in repository order.
    public var deployments: [DeploymentRecord] = []

    /// Whether a build was superseded by a newer commit, so the next cycle should start at once.
    public var hasSupersededBuilds: Bool {
        record.repositories.contains { $0.outcome == .superseded }
    }

    /// 0 all green (or unchanged and last green); 1 a build or test failed; 3 infrastructure failure (an update that
    /// failed, backoff, or a build whose log is incomplete) with no build failure.
    static func exitStatus(for repositories: [RepositoryCycleRecord], lastBuilds: [String: RepositoryCycleRecord])
        -> Int32
    {
        var infrastructure = false
        var failed = false
        for repository in repositories {
            switch repository.outcome {
            case .built:
                if repository.buildResult != .passed { failed = true }
                if repository.logError != nil { infrastructure = true }
            case .unchanged:
                if let last = lastBuilds[repository.repository]?.buildResult, last != .passed { failed = true }
            case .updateFailed, .backingOff:
                infrastructure = true
            case .superseded:
                break
            }
        }
        return failed ? 1 : infrastructure ? 3 : 0
    }
}
