import Foundation

extension GitRepository {
    /// Removes lock files (`index.lock`, `HEAD.lock`, `config.lock`, `packed-refs.lock`, `refs/**/*.lock`, …) older
    /// than `age` seconds from the git directory — leftovers of a crashed git process that would block every later
    /// operation with `.locked`. Younger locks are left alone: another process may hold them.
    ///
    /// Under the same age rule it also removes what a fetch killed while receiving leaves in `objects/pack/`:
    /// libgit2's temporary pack and index files (`pack_git2_*`), which lock nothing but can be as large as the pack
    /// that was coming. (The rest of `objects/` is not walked: it can hold many thousands of files.)
    ///
    /// - Parameters:
    ///   - age: locks older than this are stale whoever made them.
    ///   - killedOwnerLifetime: when the caller knows that the process that worked on this repository during this
    ///     time was killed (deployctl's own root lock says so), a younger lock written then is stale too, provided
    ///     no process has it open (checked in `/proc` on Linux; elsewhere only the age counts).
    /// - Returns: the removed files, relative to the git directory, for reporting.
    public func removeStaleLocks(olderThan age: TimeInterval, orWrittenDuring killedOwnerLifetime: Range<Date>? = nil)
        throws(GitError) -> [String]
    {
        try withHandle { _ throws(GitError) in
            let cutoff = Date().addingTimeInterval(-age)
            let openFiles = killedOwnerLifetime == nil ? [] : Self.filesOpenByAnyProcess()
            var removed: [String] = []
            var directories = [gitDirectory]
            // A linked worktree's refs live in the common directory.
            let common = gitDirectory.appendingPathComponent("commondir")
            if let text = try? String(contentsOf: common, encoding: .utf8) {
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                directories.append(URL(fileURLWithPath: trimmed, relativeTo: gitDirectory).standardizedFileURL)
            }
            let fileManager = FileManager.default
            func removeIfStale(_ url: URL, under root: URL) throws(GitError) {
                guard let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey]),
                    values.isRegularFile == true, let modified = values.contentModificationDate
                else { return }
                let leftByTheKilledOwner =
                    killedOwnerLifetime.map { (($0.lowerBound - 1)..<$0.upperBound).contains(modified) } == true
                    && openFiles.map { !$0.contains(url.resolvingSymlinksInPath().path) } == true
                guard modified < cutoff || leftByTheKilledOwner else { return }
                do {
                    try fileManager.removeItem(at: url)
                } catch {
                    throw self.error(.locked, "remove stale lock", "could not remove \(url.path): \(error)")
                }
                let rootPath = root.standardizedFileURL.path
                let filePath = url.standardizedFileURL.path
                removed.append(filePath.hasPrefix(rootPath + "/") ? String(filePath.dropFirst(rootPath.count + 1)) : filePath)
            }
            for root in directories {
                let packs = root.appendingPathComponent("objects/pack", isDirectory: true)
                for name in (try? fileManager.contentsOfDirectory(atPath: packs.path)) ?? []
                where name.hasPrefix(Self.indexerTemporaryPrefix) {
                    try removeIfStale(packs.appendingPathComponent(name), under: root)
                }
                guard
                    let enumerator = fileManager.enumerator(
                        at: root, includingPropertiesForKeys: [.contentModificationDateKey, .isRegularFileKey])
                else { continue }
                for case let url as URL in enumerator {
                    if url.lastPathComponent == "objects" || url.lastPathComponent == "worktrees" {
                        enumerator.skipDescendants()
                        continue
                    }
                    guard url.pathExtension == "lock" else { continue }
                    try removeIfStale(url, under: root)
                }
            }
            return removed.sorted()
        }
    }

    /// The paths every process has open, read from `/proc/*/fd` (the processes this user may look at); `nil` where
    /// that cannot be known (no `/proc`), so that nothing is taken for unused.
    static func filesOpenByAnyProcess() -> Set<String>? {
        #if os(Linux)
            let fileManager = FileManager.default
            guard let processes = try? fileManager.contentsOfDirectory(atPath: "/proc") else { return nil }
            var open = Set<String>()
            for process in processes where process.allSatisfy(\.isNumber) {
                let folder = "/proc/\(process)/fd"
                for descriptor in (try? fileManager.contentsOfDirectory(atPath: folder)) ?? [] {
                    if let target = try? fileManager.destinationOfSymbolicLink(atPath: "\(folder)/\(descriptor)") {
                        open.insert(target)
                    }
                }
            }
            return open
        #else
            return nil
        #endif
    }

    /// How libgit2's indexer names its temporary files while receiving a pack (`pack_git2_XXXXXX`, and its index's
    /// lock beside it).
    static let indexerTemporaryPrefix = "pack_git2_"
}
