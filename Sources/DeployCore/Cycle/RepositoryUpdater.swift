import DeployGit
import Foundation
import Logging

/// A managed repository after the update phase of a cycle: where to build it and what it holds now.
struct UpdatedRepository: Sendable {
    let name: RepositoryName
    /// The folder to build (`repos/NAME`).
    let folder: URL
    /// The repository that owns the folder: its own checkout, or the deploy root's repository (vendored layout).
    let owner: GitRepository
    /// True when the folder is a vendored folder of the root's repository.
    let isVendored: Bool
    let branch: String?
    let head: ObjectID?
    /// The tree of the folder at `head`: what the build depends on.
    let tree: ObjectID?
    /// One line for people: "up to date", "fast-forwarded 1234567..89abcde", "cloned".
    let summary: String
    /// Something the cycle must report beside the build's own summary (a damaged checkout moved aside and re-cloned).
    var notice: String? = nil
}

/// Why a repository could not be updated this cycle.
struct UpdateFailure: Error, Sendable {
    let name: RepositoryName
    let branch: String?
    let head: ObjectID?
    let summary: String
}

/// Brings each managed repository up to date by fast-forward only, cloning those the manifest declares but that are
/// missing. A vendored folder is updated by updating the repository that owns it, once per cycle however many
/// folders it holds.
actor RepositoryUpdater {
    let root: DeployRoot
    let manifest: Manifest
    private let credentials: GitCredentials
    private let networkTimeout: Duration
    let logger: Logger
    /// Updates of owning repositories already done (or in flight) this cycle, by git directory.
    private var ownerUpdates: [String: Task<Result<UpdateOutcome, GitError>, Never>] = [:]

    /// When the previous dispatcher on this root worked, if it was killed: the git locks it left are removed at once.
    private let killedDispatcherLifetime: Range<Date>?

    init(
        root: DeployRoot, manifest: Manifest, credentials: GitCredentials, networkTimeout: Duration, logger: Logger,
        killedDispatcherLifetime: Range<Date>? = nil
    ) {
        self.killedDispatcherLifetime = killedDispatcherLifetime
        self.root = root
        self.manifest = manifest
        self.credentials = credentials
        self.networkTimeout = networkTimeout
        self.logger = logger
    }

    /// Updates (or clones) one repository.
    func update(_ name: RepositoryName) async -> Result<UpdatedRepository, UpdateFailure> {
        let folder = root.repository(name)
        do {
            if !FileManager.default.fileExists(atPath: folder.path) {
                return try await clone(name, into: folder)
            }
            // A checkout of its own is opened as such: a damaged one must not be taken for a vendored folder of a
            // repository above it.
            let hasOwnGitDirectory = FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path)
            let owner = try hasOwnGitDirectory ? GitRepository.open(at: folder) : GitRepository.discover(containing: folder)
            let isVendored = owner.workDirectory.standardizedFileURL.path != folder.standardizedFileURL.path
            let removed = try owner.removeStaleLocks(
                olderThan: Self.staleLockAge, orWrittenDuring: killedDispatcherLifetime)
            for lock in removed {
                logger.warning("removed a stale lock left by a crashed process", metadata: ["deploy.repo": "\(name)", "deploy.lock": "\(lock)"])
            }
            // A repository without a remote is local-only: there is nothing to fetch, its branch is built as it is.
            let outcome: UpdateOutcome
            if try owner.remoteURL(name: "origin") == nil, let commit = try owner.head().commit {
                outcome = .upToDate(commit)
            } else {
                outcome = try await updateOwner(owner)
            }
            let head = try owner.head()
            let relative = isVendored ? owner.relativePath(of: folder) : nil
            switch outcome {
            case .blocked(let block):
                if hasOwnGitDirectory,
                    let recovered = await recoverLostBranch(name, folder: folder, owner: owner, head: head)
                {
                    return recovered
                }
                return .failure(UpdateFailure(name: name, branch: head.branch, head: head.commit, summary: "not updated: \(block)"))
            case .upToDate(let commit), .fastForwarded(_, let commit):
                let tree = try relative.map { try owner.treeID(of: commit, path: $0) } ?? owner.treeID(of: commit)
                let summary: String
                if case .fastForwarded(let from, let to) = outcome {
                    summary = "fast-forwarded \(from?.short ?? "nothing")..\(to.short)"
                } else {
                    summary = "up to date at \(commit.short)"
                }
                return .success(
                    UpdatedRepository(
                        name: name, folder: folder, owner: owner, isVendored: isVendored, branch: head.branch,
                        head: commit, tree: tree, summary: isVendored ? "\(summary) (root repository)" : summary))
            }
        } catch {
            if let recovered = await recoverDamaged(name, folder: folder, error: error) { return recovered }
            return .failure(UpdateFailure(name: name, branch: nil, head: nil, summary: Self.describe(error)))
        }
    }

    /// Locks older than this were left by a crashed process (no git operation holds one that long).
    static let staleLockAge: TimeInterval = 600

    private func updateOwner(_ owner: GitRepository) async throws(GitError) -> UpdateOutcome {
        let key = owner.gitDirectory.path
        if let existing = ownerUpdates[key] {
            return try await existing.value.get()
        }
        let credentials = self.credentials
        let timeout = networkTimeout
        // In the repository that holds the root, deployctl's own files are not local changes.
        let owned = RootRepository.ownedPrefixes(of: root, in: owner)
        let task = Task { () -> Result<UpdateOutcome, GitError> in
            do throws(GitError) {
                return .success(try await owner.update(credentials: credentials, timeout: timeout, ignoring: owned))
            } catch {
                return .failure(error)
            }
        }
        ownerUpdates[key] = task
        return try await task.value.get()
    }

    private func clone(_ name: RepositoryName, into folder: URL) async throws -> Result<UpdatedRepository, UpdateFailure> {
        guard let entry = manifest.repository(named: name) else {
            return .failure(UpdateFailure(name: name, branch: nil, head: nil, summary: "missing: repos/\(name) does not exist and deployctl.json does not declare it"))
        }
        guard let url = entry.url else {
            return .failure(
                UpdateFailure(
                    name: name, branch: nil, head: nil,
                    summary: "missing: repos/\(name) does not exist; deployctl.json declares it without 'url', as a "
                        + "folder of the root's repository, and that repository does not have it"))
        }
        return try await clone(name, into: folder, from: url, branch: entry.branch, shallow: entry.shallow)
    }

    func clone(_ name: RepositoryName, into folder: URL, from url: String, branch: String?, shallow: Bool)
        async throws -> Result<UpdatedRepository, UpdateFailure>
    {
        try FileManager.default.createDirectory(at: root.repositories, withIntermediateDirectories: true)
        // Clone beside the final folder and rename, so a crash never leaves a half-cloned repos/NAME.
        let staging = root.repositories.appendingPathComponent(".\(name).cloning")
        try? FileManager.default.removeItem(at: staging)
        // The clone's handle is dropped before the rename; the moved repository is opened afresh below.
        _ = try await GitRepository.clone(
            from: url, to: staging, branch: branch, depth: shallow ? 1 : nil,
            credentials: credentials, timeout: networkTimeout)
        try FileManager.default.moveItem(at: staging, to: folder)
        let owner = try GitRepository.open(at: folder)
        let head = try owner.head()
        guard let commit = head.commit else {
            return .failure(UpdateFailure(name: name, branch: head.branch, head: nil, summary: "cloned an empty repository"))
        }
        return .success(
            UpdatedRepository(
                name: name, folder: folder, owner: owner, isVendored: false, branch: head.branch, head: commit,
                tree: try owner.treeID(of: commit), summary: "cloned from \(redactedURL(url))"))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? GitError {
            switch error.code {
            case .authenticationFailed: return "\(error.message) (check GITHUB_TOKEN or SSH keys)"
            case .network, .timedOut: return "remote unreachable: \(error.message)"
            default: return "\(error.operation) failed: \(error.message)"
            }
        }
        return "\(error)"
    }
}
