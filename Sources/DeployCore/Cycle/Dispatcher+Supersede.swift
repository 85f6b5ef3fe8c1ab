import DeployBuild
import DeployGit
import Foundation

extension Dispatcher {
    /// How a build ended: it finished, or a newer commit on its branch superseded it.
    enum BuildRace: Sendable {
        case finished(RepositoryBuildResult)
        case superseded(by: ObjectID)
    }

    /// Runs `build`, and meanwhile fetches the repository every `interval`; when its upstream branch has moved past the
    /// commit being built, the build is cancelled (its process groups are killed) and the newer commit returned.
    ///
    /// Fetch failures during the watch are ignored: the build goes on, and the next cycle reports the remote.
    func buildUnlessSuperseded(
        _ updated: UpdatedRepository, every interval: Duration?,
        build: @escaping @Sendable () async -> RepositoryBuildResult
    ) async -> BuildRace {
        guard let interval, let head = updated.head, let branch = updated.branch else {
            return .finished(await build())
        }
        let owner = updated.owner
        let credentials = GitCredentials(token: configuration.githubToken?.revealed)
        let timeout = networkTimeout
        return await withTaskGroup(of: BuildRace?.self) { group in
            group.addTask { .finished(await build()) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard !Task.isCancelled else { return nil }
                    guard (try? await owner.fetch(credentials: credentials, timeout: timeout)) != nil,
                        let upstream = try? owner.upstream(of: branch) ?? "origin/\(branch)",
                        let tip = try? owner.resolve("refs/remotes/\(upstream)")
                    else { continue }
                    if tip != head { return .superseded(by: tip) }
                }
                return nil
            }
            for await next in group {
                if let next {
                    group.cancelAll()
                    return next
                }
            }
            preconditionFailure("the build task always returns a result")
        }
    }
}
