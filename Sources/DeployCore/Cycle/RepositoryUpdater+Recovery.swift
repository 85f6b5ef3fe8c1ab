import DeployGit
import Foundation
import Logging

extension RepositoryUpdater {
    /// Where damaged checkouts are moved: `deploy/quarantine/NAME-YYYYMMDD-HHMMSS` (UTC), never deleted.
    var quarantine: URL { root.quarantine }

    /// Recovers a checkout that could not be updated because it is damaged (unreadable `HEAD`, missing objects, a
    /// `.git` gone): the folder is moved aside into ``quarantine`` (so nothing in it is lost) and the repository is
    /// cloned afresh from the manifest's URL, else from the damaged checkout's own `origin`.
    ///
    /// - Returns: the fresh clone, or a failure naming the damage and where the folder went; `nil` when `error` is
    ///   not damage (network, authentication, a diverged branch…) or the checkout reads fine, so the caller reports
    ///   `error` as it is.
    func recoverDamaged(_ name: RepositoryName, folder: URL, error: any Error) async -> Result<
        UpdatedRepository, UpdateFailure
    >? {
        guard let gitError = error as? GitError, !Self.notDamage.contains(gitError.code),
            let damage = Self.damage(of: folder)
        else { return nil }
        return await recover(name, folder: folder, damage: damage)
    }

    /// Recovers a checkout whose update was refused because its branch does not exist while the branch's reflog
    /// does: the ref was lost (a torn write, a bad disk, a hand-deleted file), and the files its index still holds
    /// would otherwise read as staged local changes on an unborn branch, refused every cycle. A branch that never
    /// existed (`git init` and `git add`) has no reflog and stays refused as local changes.
    func recoverLostBranch(_ name: RepositoryName, folder: URL, owner: GitRepository, head: HeadState) async -> Result<
        UpdatedRepository, UpdateFailure
    >? {
        guard head.commit == nil, !head.isDetached, let branch = head.branch, owner.hasReflog(branch: branch),
            owner.workDirectory.standardizedFileURL.path == folder.standardizedFileURL.path
        else { return nil }
        return await recover(name, folder: folder, damage: "HEAD names branch \(branch), which is gone while its reflog remains")
    }

    /// Moves the damaged checkout at `folder` aside and clones the repository again.
    private func recover(_ name: RepositoryName, folder: URL, damage: String) async -> Result<
        UpdatedRepository, UpdateFailure
    > {
        let described = "damaged checkout (\(damage))"
        let url = manifest.repository(named: name)?.url ?? Self.originURL(inGitConfigOf: folder)
        guard let url else {
            logger.error("\(described); no remote to clone it again from", metadata: ["deploy.repo": "\(name)"])
            return .failure(
                UpdateFailure(
                    name: name, branch: nil, head: nil,
                    summary: "\(described); left in place: no remote known (deployctl.json or origin) to clone it again"))
        }
        let moved: URL
        do {
            moved = try moveToQuarantine(folder, name: name)
        } catch {
            return .failure(
                UpdateFailure(
                    name: name, branch: nil, head: nil, summary: "\(described); cannot move it aside: \(error)"))
        }
        let place = "deploy/quarantine/\(moved.lastPathComponent)"
        logger.error(
            "\(described): moved to \(place), cloning it again",
            metadata: ["deploy.repo": "\(name)", "deploy.quarantine": "\(moved.path)"])
        let entry = manifest.repository(named: name)
        do {
            switch try await clone(name, into: folder, from: url, branch: entry?.branch, shallow: entry?.shallow ?? false) {
            case .success(let updated):
                let notice = "\(described): moved to \(place) and cloned again from \(redactedURL(url))"
                return .success(
                    UpdatedRepository(
                        name: updated.name, folder: updated.folder, owner: updated.owner, isVendored: false,
                        branch: updated.branch, head: updated.head, tree: updated.tree,
                        summary: "\(notice) at \(updated.head?.short ?? "?")", notice: notice))
            case .failure(let failure):
                return .failure(
                    UpdateFailure(
                        name: name, branch: failure.branch, head: failure.head,
                        summary: "\(described): moved to \(place); cloning it again: \(failure.summary)"))
            }
        } catch {
            return .failure(
                UpdateFailure(
                    name: name, branch: nil, head: nil,
                    summary: "\(described): moved to \(place); cloning it again failed: \(Self.describe(error))"))
        }
    }

    /// Errors that say nothing about the checkout itself: the remote, the credentials, the branch's history.
    static let notDamage: Set<GitError.Code> = [
        .network, .timedOut, .authenticationFailed, .cancelled, .diverged, .dirty, .locked, .pushRejected, .conflict,
    ]

    /// What is wrong with the checkout at `folder`, or `nil` when it opens and its `HEAD` commit and tree read fine.
    static func damage(of folder: URL) -> String? {
        do throws(GitError) {
            let repository = try GitRepository.open(at: folder)
            let head = try repository.head()
            guard let commit = head.commit else { return nil }  // an unborn branch is not damage
            _ = try repository.treeID(of: commit)
            return nil
        } catch {
            return "\(error.operation) failed: \(error.message)"
        }
    }

    /// `remote.origin.url` read as text from `FOLDER/.git/config` (the repository may be too damaged to open).
    static func originURL(inGitConfigOf folder: URL) -> String? {
        let config = folder.appendingPathComponent(".git/config")
        guard let text = try? String(contentsOf: config, encoding: .utf8) else { return nil }
        var inOrigin = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                inOrigin = line.replacingOccurrences(of: " ", with: "") == #"[remote"origin"]"#
            } else if inOrigin, let equals = line.firstIndex(of: "="),
                line[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == "url"
            {
                let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// Moves `folder` to a new, unique folder under ``quarantine``.
    private func moveToQuarantine(_ folder: URL, name: RepositoryName) throws -> URL {
        try FileManager.default.createDirectory(at: quarantine, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = DeployRoot.quarantineStampFormat
        let base = "\(name)-\(formatter.string(from: Date()))"
        var attempt = 1
        while true {
            let target = quarantine.appendingPathComponent(attempt == 1 ? base : "\(base)-\(attempt)")
            if !FileManager.default.fileExists(atPath: target.path) {
                try FileManager.default.moveItem(at: folder, to: target)
                return target
            }
            attempt += 1
        }
    }
}
