import Clibgit2
import Foundation

extension GitRepository {
    /// Writes the files of `commit` (or of its folder at `path`) into `directory`, which must not exist yet: exactly
    /// the committed tree, from the object database, whatever the work tree holds. Executable files keep their run
    /// bit, symbolic links are written as links, a submodule is an empty folder; nothing of `.git` is written.
    ///
    /// - Throws: ``GitError/Code/unsafePath`` for an entry whose name is not a plain file name (`..`, `.git`, a
    ///   slash) — a tree git itself would refuse to check out; ``GitError/Code/alreadyExists`` when `directory`
    ///   exists; a ``GitError`` naming the file that could not be written.
    public func export(commit: ObjectID, path: String = "", to directory: URL) throws(GitError) {
        try withHandle { repo throws(GitError) in
            let operation = "export \(commit.short)"
            var root = try tree(repo, of: commit)
            defer { git_tree_free(root) }
            let folder = path.split(separator: "/").joined(separator: "/")
            if !folder.isEmpty {
                var entry: OpaquePointer?
                try check(git_tree_entry_bypath(&entry, root, folder), "\(operation): find \(folder)")
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
                    throw error(.invalidArgument, operation, "\(folder) is not a folder in \(commit.short)")
                }
                var subtree: OpaquePointer?
                try check(git_tree_lookup(&subtree, repo, git_tree_entry_id(entry)), "\(operation): read \(folder)")
                git_tree_free(root)
                root = subtree
            }
            guard mkdir(directory.path, 0o755) == 0 else {
                let reason = String(cString: strerror(errno))
                throw error(
                    errno == EEXIST ? .alreadyExists : .other, operation, "cannot create \(directory.path): \(reason)")
            }
            try write(tree: root, repo, into: directory, operation: operation)
        }
    }

    private func write(tree: OpaquePointer?, _ repo: OpaquePointer, into directory: URL, operation: String)
        throws(GitError)
    {
        for index in 0..<git_tree_entrycount(tree) {
            let entry = git_tree_entry_byindex(tree, index)
            let name = String(cString: git_tree_entry_name(entry))
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), name.lowercased() != ".git" else {
                throw error(.unsafePath, operation, "the tree has an entry named '\(name)' in \(directory.path)")
            }
            let target = directory.appendingPathComponent(name)
            let mode = git_tree_entry_filemode(entry)
            switch mode {
            case GIT_FILEMODE_TREE:
                guard mkdir(target.path, 0o755) == 0 else { throw failure(operation, target) }
                var subtree: OpaquePointer?
                try check(git_tree_lookup(&subtree, repo, git_tree_entry_id(entry)), "\(operation): read \(name)")
                defer { git_tree_free(subtree) }
                try write(tree: subtree, repo, into: target, operation: operation)
            case GIT_FILEMODE_COMMIT:
                guard mkdir(target.path, 0o755) == 0 else { throw failure(operation, target) }
            case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE, GIT_FILEMODE_LINK:
                var blob: OpaquePointer?
                try check(git_blob_lookup(&blob, repo, git_tree_entry_id(entry)), "\(operation): read \(name)")
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                let bytes = git_blob_rawcontent(blob)
                if mode == GIT_FILEMODE_LINK {
                    let destination = String(
                        decoding: UnsafeRawBufferPointer(start: bytes, count: size), as: UTF8.self)
                    guard symlink(destination, target.path) == 0 else { throw failure(operation, target) }
                    continue
                }
                let permissions: mode_t = mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0o755 : 0o644
                let descriptor = Foundation.open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
                guard descriptor >= 0 else { throw failure(operation, target) }
                defer { close(descriptor) }
                var written = 0
                while written < size {
                    let count = Foundation.write(descriptor, bytes! + written, size - written)
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { throw failure(operation, target) }
                    written += count
                }
            default:
                throw error(.unsupported, operation, "\(name) has the file mode \(String(mode.rawValue, radix: 8))")
            }
        }
    }

    private func failure(_ operation: String, _ file: URL) -> GitError {
        error(.other, operation, "cannot write \(file.path): \(String(cString: strerror(errno)))")
    }
}
