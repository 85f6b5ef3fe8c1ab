import Clibgit2
import Foundation

extension GitRepository {
    /// Whether the local changes of the work tree are exactly the trace of a fast-forward to `target` that was killed
    /// after writing files (and perhaps the index) but before moving the branch: every changed tracked path holds in
    /// the work tree what `target` holds (or is gone where `target` deletes it), its index entry is HEAD's or
    /// `target`'s, and every untracked file that `target` tracks already holds `target`'s content. Finishing such a
    /// fast-forward loses nothing; anything else is local work and blocks it.
    ///
    /// Contents are compared by blob id of the bytes on disk (no filters), so a repository with line-end conversion
    /// reads as changed and stays blocked, as before.
    func isInterruptedCheckout(
        _ repo: OpaquePointer, head: ObjectID, target: ObjectID, status: WorkTreeStatus
    ) throws(GitError) -> Bool {
        guard status.conflicted.isEmpty else { return false }
        let targetTree = try tree(repo, of: target)
        defer { git_tree_free(targetTree) }
        let headTree = try tree(repo, of: head)
        defer { git_tree_free(headTree) }
        var index: OpaquePointer?
        try check(git_repository_index(&index, repo), "read the index")
        defer { git_index_free(index) }
        try check(git_index_read(index, 0), "read the index")

        func treeID(_ tree: OpaquePointer?, _ path: String) -> ObjectID? {
            guard let tree else { return nil }
            var entry: OpaquePointer?
            guard git_tree_entry_bypath(&entry, tree, path) == 0 else {
                git_error_clear()
                return nil
            }
            defer { git_tree_entry_free(entry) }
            return git_tree_entry_id(entry).map { ObjectID($0.pointee) }
        }
        func fileID(_ path: String) -> ObjectID?? {
            let file = workDirectory.appendingPathComponent(path).path
            var info = stat()
            guard lstat(file, &info) == 0 else { return .some(nil) }
            guard info.st_mode & S_IFMT == S_IFREG else { return nil }  // a link or folder: not ours to judge
            var oid = git_oid()
            guard git_odb_hashfile(&oid, file, GIT_OBJECT_BLOB) == 0 else {
                git_error_clear()
                return nil
            }
            return .some(ObjectID(oid))
        }

        for path in Set(status.staged + status.unstaged) {
            let wanted = treeID(targetTree, path)
            guard let onDisk = fileID(path), onDisk == wanted else { return false }
            let staged = git_index_get_bypath(index, path, 0).map { ObjectID($0.pointee.id) }
            guard staged == wanted || staged == treeID(headTree, path) else { return false }
        }
        for path in status.untracked {
            guard let wanted = treeID(targetTree, path) else { continue }
            guard let onDisk = fileID(path), onDisk == wanted else { return false }
        }
        return true
    }
}
