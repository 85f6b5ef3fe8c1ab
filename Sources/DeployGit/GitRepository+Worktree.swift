import Clibgit2
import Foundation

extension GitRepository {
    /// Adds a linked worktree (libgit2 `git_worktree_add`) named `name` at `directory`, checked out at `commit` with
    /// a detached HEAD: a throwaway place to build and test a patch without touching this work tree.
    ///
    /// libgit2 1.5 can only add a worktree on a branch, so a temporary branch `deployctl-worktree/NAME` is created at
    /// `commit`, HEAD of the new worktree is detached at the same commit, and the branch is deleted again.
    public func addWorktree(at directory: URL, commit: ObjectID, name: String) throws(GitError) -> GitRepository {
        guard !name.isEmpty, !name.contains("/"), !PatchedPath.isUnsafe(name) else {
            throw error(.invalidArgument, "add worktree", "invalid worktree name \(name)")
        }
        let path = try withHandle { repo throws(GitError) -> String in
            var oid = commit.oid
            var object: OpaquePointer?
            try check(git_commit_lookup(&object, repo, &oid), "add worktree")
            defer { git_commit_free(object) }
            var branch: OpaquePointer?
            try check(git_branch_create(&branch, repo, "deployctl-worktree/\(name)", object, 1), "add worktree")
            defer {
                git_branch_delete(branch)
                git_reference_free(branch)
            }
            var options = git_worktree_add_options()
            git_worktree_add_options_init(&options, UInt32(GIT_WORKTREE_ADD_OPTIONS_VERSION))
            options.ref = branch
            var worktree: OpaquePointer?
            try check(git_worktree_add(&worktree, repo, name, directory.path, &options), "add worktree \(name)")
            git_worktree_free(worktree)
            var linked: OpaquePointer?
            try check(git_repository_open(&linked, directory.path), "add worktree \(name)")
            defer { git_repository_free(linked) }
            try check(git_repository_set_head_detached(linked, &oid), "detach worktree \(name)")
            return directory.path
        }
        return try GitRepository.open(at: URL(fileURLWithPath: path))
    }

    /// Removes linked worktree `name`: its directory and its administrative files (`git worktree remove --force`
    /// followed by prune). Names of worktrees whose directory is already gone are pruned too.
    ///
    /// A worktree whose creation was cut short (a process killed inside `git_worktree_add` leaves
    /// `.git/worktrees/NAME` with some of its files, which libgit2 cannot open as a worktree) is pruned as git prunes
    /// an invalid entry: its administrative folder is removed, so that a worktree of that name can be added again.
    public func removeWorktree(name: String) throws(GitError) {
        guard !name.isEmpty, !name.contains("/"), !PatchedPath.isUnsafe(name) else {
            throw error(.invalidArgument, "remove worktree", "invalid worktree name \(name)")
        }
        let administrative = gitDirectory.appendingPathComponent("worktrees/\(name)", isDirectory: true)
        do {
            try withHandle { repo throws(GitError) in
                var worktree: OpaquePointer?
                try check(git_worktree_lookup(&worktree, repo, name), "remove worktree \(name)")
                defer { git_worktree_free(worktree) }
                var options = git_worktree_prune_options()
                git_worktree_prune_options_init(&options, UInt32(GIT_WORKTREE_PRUNE_OPTIONS_VERSION))
                options.flags = GIT_WORKTREE_PRUNE_VALID.rawValue | GIT_WORKTREE_PRUNE_LOCKED.rawValue
                    | GIT_WORKTREE_PRUNE_WORKING_TREE.rawValue
                try check(git_worktree_prune(worktree, &options), "remove worktree \(name)")
            }
        } catch {
            // Not a worktree libgit2 can open: an entry whose creation was cut short, removed as git prunes one.
            guard FileManager.default.fileExists(atPath: administrative.path),
                !FileManager.default.fileExists(atPath: administrative.appendingPathComponent("gitdir").path)
                    || (try? GitRepository.validWorktreeEntry(administrative)) == false
            else { throw error }
            do { try FileManager.default.removeItem(at: administrative) } catch let removal {
                throw self.error(.other, "remove worktree \(name)", "cannot remove \(administrative.path): \(removal)")
            }
        }
    }

    /// Whether the administrative folder `.git/worktrees/NAME` names a work tree that exists (its `gitdir` file
    /// points at a `.git` file that is there).
    static func validWorktreeEntry(_ administrative: URL) throws -> Bool {
        let gitdir = try String(contentsOf: administrative.appendingPathComponent("gitdir"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return !gitdir.isEmpty && FileManager.default.fileExists(atPath: gitdir)
    }

    /// Removes the linked worktree whose directory is `directory`; see ``removeWorktree(name:)``.
    /// - Throws: `.notFound` when no linked worktree lives there.
    public func removeWorktree(at directory: URL) throws(GitError) {
        let wanted = directory.standardizedFileURL.resolvingSymlinksInPath().path
        for name in try worktreeNames() {
            let path = try withHandle { repo throws(GitError) -> String? in
                var worktree: OpaquePointer?
                try check(git_worktree_lookup(&worktree, repo, name), "remove worktree")
                defer { git_worktree_free(worktree) }
                return git_worktree_path(worktree).map { String(cString: $0) }
            }
            guard let path else { continue }
            if URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path == wanted {
                return try removeWorktree(name: name)
            }
        }
        throw error(.notFound, "remove worktree", "no linked worktree at \(directory.path)")
    }

    /// Names of the linked worktrees of this repository.
    public func worktreeNames() throws(GitError) -> [String] {
        try withHandle { repo throws(GitError) in
            var names = git_strarray()
            try check(git_worktree_list(&names, repo), "list worktrees")
            defer { git_strarray_dispose(&names) }
            return (0..<names.count).compactMap { names.strings[$0].map { String(cString: $0) } }
        }
    }
}
