import DeployGit
import Foundation

/// The releases of one repository on disk: `deploy/releases/NAME/<full sha>/`, each the files of one revision, and
/// `deploy/current/NAME`, a symbolic link to the current one.
///
/// A release is written under a temporary name and renamed into place, and `current` is switched by renaming a new
/// link over the old one, so that a crash leaves either the old state or the new one, never half of either.
struct ReleaseFolders: Sendable {
    let root: DeployRoot
    let repository: RepositoryName

    /// `deploy/releases/NAME/`.
    var folder: URL { root.releases.appendingPathComponent(repository.rawValue, isDirectory: true) }
    /// `deploy/current/NAME`.
    var currentLink: URL { root.currentReleases.appendingPathComponent(repository.rawValue) }

    /// The release folder of `revision` (which may not exist).
    func release(_ revision: String) -> URL {
        folder.appendingPathComponent(revision, isDirectory: true)
    }

    /// Whether `revision` has a release on disk.
    func exists(_ revision: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: release(revision).path, isDirectory: &isFolder)
            && isFolder.boolValue
    }

    /// The revision `current` points at, if it points at a release of this repository.
    func current() -> String? {
        guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: currentLink.path) else {
            return nil
        }
        let url = URL(fileURLWithPath: destination, relativeTo: root.currentReleases).standardizedFileURL
        guard url.deletingLastPathComponent().standardizedFileURL.path == folder.standardizedFileURL.path else {
            return nil
        }
        return url.lastPathComponent
    }

    /// The kept releases, newest first (by when each was written).
    func kept() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let releases = names.filter { Self.isRevision($0) && exists($0) }.map { name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: release(name).path)
            return (name, (attributes?[.modificationDate] as? Date) ?? .distantPast)
        }
        return releases.sorted { ($0.1, $0.0) > ($1.1, $1.0) }.map(\.0)
    }

    /// Writes the release of `revision` from `git` (the folder at `path` of its commit for a vendored folder), unless
    /// it exists already. Written as `.partial-…` and renamed into place.
    /// - Throws: ``DispatcherError`` with code `release`.
    @discardableResult
    func create(_ revision: ObjectID, from git: GitRepository, path: String = "") throws(DispatcherError) -> URL {
        let destination = release(revision.hex)
        if exists(revision.hex) { return destination }
        let partial = folder.appendingPathComponent(".partial-\(revision.hex)-\(getpid())", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: partial.path) { try FileManager.default.removeItem(at: partial) }
        } catch {
            throw failure("cannot prepare \(folder.path): \(error.localizedDescription)")
        }
        do {
            try git.export(commit: revision, path: path, to: partial)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw failure("cannot write the release of \(revision.short): \(error)")
        }
        guard rename(partial.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            throw failure("cannot move the release of \(revision.short) into place: \(reason)")
        }
        return destination
    }

    /// Points `current` at the release of `revision`: a new link renamed over the old one (atomic).
    /// - Throws: ``DispatcherError`` with code `release`.
    func switchCurrent(to revision: String) throws(DispatcherError) {
        let temporary = root.currentReleases.appendingPathComponent(".\(repository.rawValue).\(getpid()).link")
        do {
            try FileManager.default.createDirectory(at: root.currentReleases, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot create \(root.currentReleases.path): \(error.localizedDescription)")
        }
        unlink(temporary.path)
        // Relative (`../releases/NAME/SHA`), so that a root moved or mounted elsewhere keeps its links.
        guard symlink("../releases/\(repository.rawValue)/\(revision)", temporary.path) == 0 else {
            throw failure("cannot create the link \(temporary.path): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary.path, currentLink.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw failure("cannot switch \(currentLink.path) to \(revision): \(reason)")
        }
    }

    /// Removes the oldest releases beyond `keep`, never one in `protected` (the current and the previous healthy
    /// release), and any `.partial-…` folder a crash left. Returns the revisions removed.
    @discardableResult
    func prune(keep: Int, protecting protected: Set<String>) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix(".partial-") && !name.hasSuffix("-\(getpid())") {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        var removed: [String] = []
        var kept = 0
        for revision in self.kept() {
            if protected.contains(revision) { continue }
            kept += 1
            let room = max(0, keep - protected.count)
            guard kept > room else { continue }
            if (try? FileManager.default.removeItem(at: release(revision))) != nil { removed.append(revision) }
        }
        return removed
    }

    /// Whether `name` looks like a full object id (40 or 64 hexadecimal digits).
    static func isRevision(_ name: String) -> Bool {
        (name.count == 40 || name.count == 64) && name.allSatisfy(\.isHexDigit)
    }

    private func failure(_ message: String) -> DispatcherError {
        DispatcherError(.release, location: folder.path, found: message, accepted: "a deploy/ folder deployctl can write")
    }
}
