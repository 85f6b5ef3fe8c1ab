import DeployGit
import Foundation

extension FeedbackProcessor {
    /// How many commits of a branch's history are searched for `Feedback-Id:` trailers: enough to cover months of
    /// feedback on an active repository, while the walk (once per repository per run) stays a few milliseconds.
    public static let historySearchDepth = 2000

    /// The trailer every feedback commit carries (see ``commitMessage(_:file:)``).
    static let idTrailer = "Feedback-Id"

    /// The commit in the recent history of the repository's branch (local and remote-tracking) whose
    /// `Feedback-Id:` trailer is `id`, if any: finds ids applied before even when `feedback/` (its ledger and
    /// records) was lost. The history is read once per repository per run.
    func commitInHistory(_ id: String, repository: FeedbackRepository) throws(StageFailure) -> ObjectID? {
        let git = try open(repository)
        let ids = try historyCache.ids(of: repository.gitWorkTree.path) { () throws(StageFailure) in
            try gitStep(.validate) { () throws(GitError) in
                try git.trailerValues(
                    Self.idTrailer, in: [repository.branch, "\(repository.remote)/\(repository.branch)"],
                    limit: Self.historySearchDepth)
            }
        }
        return ids[id]
    }
}

/// The `Feedback-Id` values found in each repository's history during one run; emptied when a run starts.
final class FeedbackHistoryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String: [String: ObjectID]] = [:]

    /// The ids of the repository at `path`, read with `load` the first time.
    func ids<E: Error>(of path: String, load: () throws(E) -> [String: ObjectID]) throws(E) -> [String: ObjectID] {
        if let known = lock.withLock({ ids[path] }) { return known }
        let loaded = try load()
        lock.withLock { ids[path] = loaded }
        return loaded
    }

    /// Drops what is known of the repository at `path` (its branch moved).
    func forget(_ path: String) {
        _ = lock.withLock { ids.removeValue(forKey: path) }
    }

    func clear() {
        lock.withLock { ids = [:] }
    }
}
