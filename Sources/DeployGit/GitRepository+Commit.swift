import Clibgit2
import Foundation

extension GitRepository {
    /// Commits exactly `paths` (relative to the work directory) on HEAD: each path is staged from the work tree
    /// (a missing file is staged as a deletion), and the new commit's tree is HEAD's tree plus those paths only —
    /// anything else staged or modified stays uncommitted.
    ///
    /// - Parameter staged: the index already holds the new state of `paths` (for instance right after
    ///   ``apply(diff:to:checkOnly:)`` to the work tree and index): commit the index entries as they are, without
    ///   comparing each path's work-tree file with them first.
    /// - Returns: the new commit's id.
    /// - Throws: `.unsafePath` for a path leaving the work tree, `.invalidArgument` for no paths, `.locked` when the
    ///   index is locked.
    public func commit(paths: [String], message: String, author: Signature, staged: Bool = false) throws(GitError)
        -> ObjectID
    {
        guard !paths.isEmpty else { throw error(.invalidArgument, "commit", "no paths to commit") }
        if let bad = paths.first(where: PatchedPath.isUnsafe) {
            throw error(.unsafePath, "commit", "path \(bad) is outside the work tree")
        }
        return try withHandle { repo throws(GitError) in
            var index: OpaquePointer?
            try check(git_repository_index(&index, repo), "commit")
            defer { git_index_free(index) }
            var headCommit: OpaquePointer?
            let head = try headState(repo)
            if let id = head.commit {
                var oid = id.oid
                try check(git_commit_lookup(&headCommit, repo, &oid), "commit")
            }
            defer { git_commit_free(headCommit) }
            // Stage the paths in the repository's index, like `git add -- PATHS` / `git rm --cached`. A path whose
            // index entry already matches the work tree (e.g. after an apply to work tree and index) is left alone,
            // and the index is only written when something changed: each skipped write saves creating a loose object
            // and an `index.lock`, which is what costs most here.
            var changed = false
            for path in staged ? [] : paths where try needsStaging(repo, path) {
                let exists = FileManager.default.fileExists(atPath: workDirectory.appendingPathComponent(path).path)
                if exists {
                    try check(git_index_add_bypath(index, path), "stage \(path)")
                } else {
                    let result = git_index_remove_bypath(index, path)
                    try check(result, "stage deletion of \(path)")
                }
                changed = true
            }
            if changed { try check(git_index_write(index), "write index") }
            // Build the commit tree from HEAD's tree plus these paths only.
            var scratch: OpaquePointer?
            try check(git_index_new(&scratch), "commit")
            defer { git_index_free(scratch) }
            if let headCommit {
                var tree: OpaquePointer?
                try check(git_commit_tree(&tree, headCommit), "commit")
                defer { git_tree_free(tree) }
                try check(git_index_read_tree(scratch, tree), "commit")
            }
            for path in paths {
                if let entry = git_index_get_bypath(index, path, 0) {
                    try check(git_index_add(scratch, entry), "commit \(path)")
                } else {
                    _ = git_index_remove(scratch, path, 0)
                    git_error_clear()
                }
            }
            var treeOID = git_oid()
            try check(git_index_write_tree_to(&treeOID, scratch, repo), "commit")
            var tree: OpaquePointer?
            try check(git_tree_lookup(&tree, repo, &treeOID), "commit")
            defer { git_tree_free(tree) }
            var signature: UnsafeMutablePointer<git_signature>?
            try check(git_signature_now(&signature, author.name, author.email), "commit signature")
            defer { git_signature_free(signature) }
            var commitOID = git_oid()
            var parents: [OpaquePointer?] = headCommit.map { [$0] } ?? []
            try check(
                git_commit_create(
                    &commitOID, repo, "HEAD", signature, signature, "UTF-8", message, tree, parents.count, &parents),
                "commit")
            return ObjectID(commitOID)
        }
    }

    /// Whether the work tree's `path` differs from its index entry (new, modified, deleted, ignored or conflicted).
    private func needsStaging(_ repo: OpaquePointer, _ path: String) throws(GitError) -> Bool {
        var flags: UInt32 = 0
        let result = git_status_file(&flags, repo, path)
        if result == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return false  // nowhere: nothing to stage
        }
        if result < 0 {
            git_error_clear()
            return true  // let staging report the problem
        }
        let workTreeBits = GIT_STATUS_WT_NEW.rawValue | GIT_STATUS_WT_MODIFIED.rawValue
            | GIT_STATUS_WT_DELETED.rawValue | GIT_STATUS_WT_TYPECHANGE.rawValue | GIT_STATUS_WT_RENAMED.rawValue
            | GIT_STATUS_IGNORED.rawValue | GIT_STATUS_CONFLICTED.rawValue
        return flags & workTreeBits != 0
    }
}
