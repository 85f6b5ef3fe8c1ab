import Foundation

extension GitRepository {
    /// Removes lock files (`index.lock`, `HEAD.lock`, `config.lock`, `packed-refs.lock`, `refs/**/*.lock`, …) older
    /// than `age` seconds from the git directory — leftovers of a crashed git process that would block every later
    /// operation with `.locked`. Younger locks are left alone: another process may hold them.
    ///
    /// Under the same age rule it also removes what a fetch killed while receiving leaves in `objects/pack/`:
    /// libgit2's temporary pack and index files (`pack_git2_*`), which lock nothing but can be as large as the pack
    /// that was coming. (The rest of `objects/` is not walked: it can hold many thousands of files.)
    /// - Returns: the removed files, relative to the git directory, for reporting.
    public func removeStaleLocks(olderThan age: TimeInterval) throws(GitError) -> [String] {
        try withHandle { _ throws(GitError) in
            let cutoff = Date().addingTimeInterval(-age)
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
                    values.isRegularFile == true, let modified = values.contentModificationDate, modified < cutoff
                else { return }
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

    /// How libgit2's indexer names its temporary files while receiving a pack (`pack_git2_XXXXXX`, and its index's
    /// lock beside it).
    static let indexerTemporaryPrefix = "pack_git2_"
}
