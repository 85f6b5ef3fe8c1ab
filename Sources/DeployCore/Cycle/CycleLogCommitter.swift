import DeployBuild
import DeployGit
import Foundation
import Logging

/// Commits a cycle's log into the deploy root's own git repository and pushes it (`DISPATCHER_COMMIT_LOGS=1`), as the
/// Python dispatcher did after every cycle, so that people and agents can read build logs where the code lives.
///
/// Only the log file the cycle wrote is committed (whatever else is modified or staged in the root stays as it is),
/// and only when a repository's result changed since its last build — the first build, green to red, red to green —
/// so that the history is not flooded with a commit per minute. The push is a fast-forward of the root's current
/// branch to its upstream, with the token in headers only; a push that fails leaves the commit local and is a warning
/// (the next committed log pushes both). Nothing here fails the cycle.
struct CycleLogCommitter: Sendable {
    let root: DeployRoot
    let author: Signature
    let credentials: GitCredentials
    let networkTimeout: Duration
    let logger: Logger

    /// What happened to a cycle's log.
    enum Outcome: Equatable, Sendable {
        /// No repository's result changed: nothing committed.
        case unchanged
        /// The deploy root is not inside a git repository.
        case notARepository
        /// Committed as `commit`; `pushedTo` is the upstream it was pushed to, `nil` when there is none or the push
        /// failed.
        case committed(commit: ObjectID, pushedTo: String?)
        /// The commit could not be made.
        case failed(String)
    }

    /// Whether a cycle's records differ in result from the last builds before it.
    static func resultsChanged(
        _ records: [RepositoryCycleRecord], lastBuilds: [String: RepositoryCycleRecord]
    ) -> Bool {
        records.contains { record in
            guard record.outcome == .built, let result = record.buildResult else { return false }
            return lastBuilds[record.repository]?.buildResult != result
        }
    }

    /// Commits `log` (a file under the root) with a message naming the cycle's result, then pushes.
    func commit(log: URL, cycleResult: CycleRecord.Result, records: [RepositoryCycleRecord]) async -> Outcome {
        let repository: GitRepository
        do {
            repository = try GitRepository.discover(containing: root.url)
        } catch {
            logger.warning("DISPATCHER_COMMIT_LOGS=1 but the deploy root \(root.url.path) is not in a git repository")
            return .notARepository
        }
        guard let path = repository.relativePath(of: log) else {
            return .failed("the log \(log.path) is outside the repository at \(repository.workDirectory.path)")
        }
        let built = records.filter { $0.outcome == .built }
            .map { "\($0.repository): \($0.buildResult?.rawValue ?? "built")" }
        let message = "deployctl: cycle \(cycleResult.rawValue) — \(built.joined(separator: ", "))\n\nLog: \(path)\n"
        let commit: ObjectID
        do {
            commit = try repository.commit(paths: [path], message: message, author: author)
        } catch {
            logger.warning("cycle log not committed: \(error)")
            return .failed("\(error)")
        }
        logger.info("cycle log committed", metadata: ["deploy.commit": "\(commit.hex.prefix(12))", "deploy.log": "\(path)"])
        return .committed(commit: commit, pushedTo: await push(repository))
    }

    /// Pushes the current branch to its upstream; the upstream's name, or `nil` when there is none or it failed.
    private func push(_ repository: GitRepository) async -> String? {
        do {
            guard let branch = try repository.head().branch, let upstream = try repository.upstream(of: branch),
                let slash = upstream.firstIndex(of: "/")
            else { return nil }
            let remote = String(upstream[..<slash])
            let remoteBranch = String(upstream[upstream.index(after: slash)...])
            try await repository.push(
                branch: branch, to: remoteBranch, remote: remote, credentials: credentials, timeout: networkTimeout)
            return upstream
        } catch {
            logger.warning("cycle log committed but not pushed (it goes with the next one): \(error)")
            return nil
        }
    }
}
