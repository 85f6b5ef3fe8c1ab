import DeployGit

/// Owned by the DeployGit work: a no-change update of many repositories in one process.
enum GitUpdateBenchmark {
    static func run(_ arguments: [String]) async throws {
        fatalError("git-update benchmark not written yet")
    }
}
