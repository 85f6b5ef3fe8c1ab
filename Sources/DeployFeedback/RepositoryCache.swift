import DeployGit
import Foundation

/// Repositories opened during one run, by folder; emptied when a run starts (another process may have changed them).
final class RepositoryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var repositories: [String: GitRepository] = [:]

    func repository(at directory: URL) throws(GitError) -> GitRepository {
        lock.lock()
        defer { lock.unlock() }
        if let repository = repositories[directory.path] { return repository }
        let repository = try GitRepository.open(at: directory)
        repositories[directory.path] = repository
        return repository
    }

    func clear() {
        lock.withLock { repositories = [:] }
    }
}
