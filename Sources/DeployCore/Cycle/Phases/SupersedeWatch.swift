import DeployBuild
import DeployGit
import Foundation

/// Newest wins: while a repository builds, its remote is fetched every `interval`; when its upstream branch has
/// moved past the commit being built, the build is cancelled (its process groups are killed) and the newer commit
/// returned.
///
/// Fetch failures during the watch are ignored: the build goes on, and the next cycle reports the remote.
struct SupersedeWatch: Sendable {
    let credentials: GitCredentials
    let networkTimeout: Duration
    /// How often to fetch; `nil` never checks (a one-off run builds what it found).
    let interval: Duration?

    /// How a build ended: it finished, or a newer commit on its branch superseded it.
    enum Race: Sendable {
        case finished(RepositoryBuildResult)
        case superseded(by: ObjectID)
    }

    /// Runs `build` for `updated`, given up when a newer commit arrives.
    func build(_ updated: UpdatedRepository, _ build: @escaping @Sendable () async -> RepositoryBuildResult) async
        -> Race
    {
        guard let interval, let head = updated.head, let branch = updated.branch else {
            return .finished(await build())
        }
        let owner = updated.owner
        let credentials = credentials
        let timeout = networkTimeout
        return await withTaskGroup(of: Race?.self) { group in
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
