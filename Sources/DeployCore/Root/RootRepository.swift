import DeployBuild
import DeployGit
import Foundation
import Logging

/// The git repository that holds a deploy root, when there is one (the seed's layout: the root is a clone of the
/// deployment repository, with vendored folders under `repos/`), and how deployctl keeps its own files out of it.
///
/// Two rules keep the root fast-forwarding:
/// - changes under ``DeployRoot/ownedPaths`` (the state store, logs, the lock, the feedback folders) are deployctl's
///   state, not the repository's local changes, whatever its `.gitignore` says;
/// - deployctl never writes a file the repository tracks: when it tracks `deploy/logs/build.log` (the seed commits
///   one), that file is left as committed instead of being replaced by the symlink to the latest log, so it stays
///   clean and an upstream change to it fast-forwards like any other. A symlink an earlier version left in its place
///   is turned back into the committed file (written beside it and renamed over it).
struct RootRepository {
    let git: GitRepository
    /// The root's path in the repository's work tree: empty when the root is the work tree.
    let rootPath: String

    /// The repository whose work tree holds `root`, or nil when the root is in none.
    init?(root: DeployRoot) {
        guard let git = try? GitRepository.discover(containing: root.url), let path = git.relativePath(of: root.url)
        else { return nil }
        self.git = git
        self.rootPath = path
    }

    /// ``DeployRoot/ownedPaths`` as paths of `repository`'s work tree, when the root is inside it; else none.
    static func ownedPrefixes(of root: DeployRoot, in repository: GitRepository) -> [String] {
        guard let path = repository.relativePath(of: root.url) else { return [] }
        return DeployRoot.ownedPaths.map { path.isEmpty ? $0 : "\(path)/\($0)" }
    }

    /// The path of `deploy/logs/build.log` in the repository.
    var latestLogPath: String {
        let path = "deploy/logs/\(BuildLogDirectory.latestName)"
        return rootPath.isEmpty ? path : "\(rootPath)/\(path)"
    }

    /// Whether the repository tracks `deploy/logs/build.log` (then deployctl leaves it alone).
    var tracksLatestLog: Bool {
        (try? git.tracks(latestLogPath)) ?? false
    }

    /// Puts the committed `deploy/logs/build.log` back where an earlier deployctl replaced it with a symlink (which
    /// the repository counts as a change, so the root never fast-forwarded again). Does nothing in any other case.
    /// - Returns: whether the file was restored.
    @discardableResult
    func restoreTrackedLatestLog(logger: Logger) -> Bool {
        let file = git.workDirectory.appendingPathComponent(latestLogPath)
        guard tracksLatestLog, (try? FileManager.default.destinationOfSymbolicLink(atPath: file.path)) != nil,
            let head = try? git.head().commit, let bytes = try? git.contents(of: latestLogPath, at: head)
        else { return false }
        let temporary = file.deletingLastPathComponent().appendingPathComponent(
            ".\(BuildLogDirectory.latestName).restore-\(getpid())")
        do {
            try Data(bytes).write(to: temporary)
            guard rename(temporary.path, file.path) == 0 else {
                unlink(temporary.path)
                return false
            }
        } catch {
            return false
        }
        let reason = "the root's repository tracks it, so deployctl leaves it as committed"
        logger.notice("restored the committed \(latestLogPath): \(reason)")
        return true
    }
}
