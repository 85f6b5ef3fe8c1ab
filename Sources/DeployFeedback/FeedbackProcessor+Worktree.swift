import Crypto
import DeployGit
import Foundation

extension FeedbackProcessor {
    /// The folder for throwaway worktrees of `repository`: under ``Options/worktreeDirectory`` (default: the
    /// temporary folder), named after the repository and a hash of its path, so it is the same on every run (build
    /// caches stay valid) and distinct for every checkout on the machine.
    func worktreeFolder(_ repository: FeedbackRepository, name: String) -> URL {
        let base = (options.worktreeDirectory ?? FileManager.default.temporaryDirectory)
            .appendingPathComponent("deployctl-feedback", isDirectory: true)
        let hash = SHA256.hex(Array(repository.gitWorkTree.standardizedFileURL.path.utf8)).prefix(10)
        return base.appendingPathComponent("\(repository.name)-\(hash)-\(name)", isDirectory: true)
    }

    /// A throwaway worktree of `git` at `commit`, removed by the caller with ``removeWorktree(_:name:directory:)``.
    /// With `keepingBuild`, the `.build` folder saved by the last removal is moved back in, so that verification
    /// builds are incremental (dependencies are not fetched and built again).
    func makeWorktree(
        _ git: GitRepository, repository: FeedbackRepository, at commit: ObjectID, name: String,
        keepingBuild: Bool = false
    ) throws(StageFailure) -> (GitRepository, URL) {
        let directory = worktreeFolder(repository, name: name)
        removeWorktree(git, name: name, directory: directory)
        do { try AtomicFile.makeFolder(directory.deletingLastPathComponent()) } catch {
            throw StageFailure(.verify, error)
        }
        let worktree = try gitStep(.verify) { () throws(GitError) in
            try git.addWorktree(at: directory, commit: commit, name: name)
        }
        let saved = directory.appendingPathExtension("build-cache")
        if keepingBuild, AtomicFile.exists(saved) {
            rename(saved.path, Self.buildFolder(in: directory, repository).path)
        }
        return (worktree, directory)
    }

    /// Where the build of `repository` writes its `.build` in a worktree at `directory` (for a vendored folder,
    /// inside the folder).
    static func buildFolder(in directory: URL, _ repository: FeedbackRepository?) -> URL {
        let folder = repository?.enclosing.map { directory.appendingPathComponent($0.path) } ?? directory
        return folder.appendingPathComponent(".build")
    }

    /// Removes a throwaway worktree; with `keepingBuild`, the `.build` folder of `repository`'s build is first moved
    /// aside for the next one.
    func removeWorktree(
        _ git: GitRepository, name: String, directory: URL? = nil, keepingBuild: Bool = false,
        repository: FeedbackRepository? = nil
    ) {
        if keepingBuild, let directory {
            let build = Self.buildFolder(in: directory, repository)
            let saved = directory.appendingPathExtension("build-cache")
            if AtomicFile.exists(build) {
                try? FileManager.default.removeItem(at: saved)
                rename(build.path, saved.path)
            }
        }
        try? git.removeWorktree(name: name)
        if let directory { try? FileManager.default.removeItem(at: directory) }
        // Like `git worktree prune`, drop the administrative folder once it is empty (rmdir fails otherwise).
        rmdir(git.gitDirectory.appendingPathComponent("worktrees").path)
    }
}
