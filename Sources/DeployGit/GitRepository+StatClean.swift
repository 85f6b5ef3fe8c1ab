import Clibgit2
import Foundation

extension GitRepository {
    /// The paths among `paths` that are certainly clean: HEAD and the index hold the same blob and mode, and the
    /// work-tree file has the stat data (size, modification and change times, inode, mode) the index entry recorded,
    /// which is how git itself tells an unmodified file without reading it. Every other path (and a path whose entry
    /// is "racily clean": not older than the index file, so a same-size change in the same tick would go unseen)
    /// needs `git_status_file`, which costs a full status with ignore rules and attributes.
    ///
    /// Never reports a dirty path as clean; on any doubt or error, the path is left out.
    func statCleanPaths(_ repo: OpaquePointer, _ paths: [String]) -> Set<String> {
        var index: OpaquePointer?
        guard git_repository_index(&index, repo) == 0 else {
            git_error_clear()
            return []
        }
        defer { git_index_free(index) }
        // Reload the index if another process rewrote it; with a conflict anywhere, leave everything to libgit2.
        guard git_index_read(index, 0) == 0, git_index_has_conflicts(index) == 0,
            let indexPath = git_index_path(index)
        else {
            git_error_clear()
            return []
        }
        var indexInfo = stat()
        guard lstat(indexPath, &indexInfo) == 0 else { return [] }
        let indexModified = FileTime(indexInfo.modification)

        guard let head = try? lookupID(repo, "HEAD"), let tree = try? tree(repo, of: head) else {
            git_error_clear()
            return []
        }
        defer { git_tree_free(tree) }

        var clean = Set<String>()
        for path in paths {
            guard let entry = git_index_get_bypath(index, path, 0)?.pointee else { continue }
            var treeEntry: OpaquePointer?
            guard git_tree_entry_bypath(&treeEntry, tree, path) == 0 else {
                git_error_clear()
                continue
            }
            defer { git_tree_entry_free(treeEntry) }
            var indexID = entry.id
            guard git_oid_equal(git_tree_entry_id(treeEntry), &indexID) != 0,
                git_tree_entry_filemode(treeEntry).rawValue == entry.mode
            else { continue }

            var info = stat()
            guard lstat(workDirectory.appendingPathComponent(path).path, &info) == 0,
                info.st_mode & S_IFMT == S_IFREG,
                entry.mode == (info.st_mode & 0o111 != 0 ? 0o100755 : 0o100644),
                entry.file_size == UInt32(truncatingIfNeeded: info.st_size),
                entry.ino == UInt32(truncatingIfNeeded: info.st_ino),
                FileTime(entry.mtime) == FileTime(info.modification),
                FileTime(entry.ctime) == FileTime(info.statusChange),
                FileTime(entry.mtime) < indexModified
            else { continue }
            clean.insert(path)
        }
        return clean
    }
}

/// A file time as the index keeps it: 32-bit seconds and nanoseconds.
private struct FileTime: Comparable {
    var seconds: Int64
    var nanoseconds: Int64

    init(_ time: git_index_time) {
        seconds = Int64(time.seconds)
        nanoseconds = Int64(time.nanoseconds)
    }

    init(_ time: timespec) {
        seconds = Int64(Int32(truncatingIfNeeded: time.tv_sec))
        nanoseconds = Int64(time.tv_nsec)
    }

    static func < (lhs: FileTime, rhs: FileTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}

extension stat {
    fileprivate var modification: timespec {
        #if os(Linux)
            st_mtim
        #else
            st_mtimespec
        #endif
    }

    fileprivate var statusChange: timespec {
        #if os(Linux)
            st_ctim
        #else
            st_ctimespec
        #endif
    }
}
