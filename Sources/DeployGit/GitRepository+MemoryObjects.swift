import Clibgit2

extension GitRepository {
    /// Runs `body` with the repository's object database swapped for one that reads the repository's objects and
    /// writes new ones to memory, dropped afterwards.
    ///
    /// libgit2 writes the postimage blobs of a patch into the object database even when it only checks that the patch
    /// applies (`GIT_APPLY_CHECK`). Written to disk, that leaves unreferenced loose objects behind every dry run, and
    /// the real apply that follows a check creates each blob's temporary file a second time; on ext4 each new inode is
    /// what a feedback file costs most.
    ///
    /// Call inside ``withHandle(_:)``: the swap must not be seen by another operation on the repository.
    func withObjectsWrittenToMemory<T>(_ repo: OpaquePointer, _ body: () throws(GitError) -> T) throws(GitError) -> T {
        var original: OpaquePointer?
        try check(git_repository_odb(&original, repo), "open the object database")
        defer { git_odb_free(original) }
        let objects = String(cString: git_repository_commondir(repo)) + "objects"
        var scratch: OpaquePointer?
        try check(git_odb_open(&scratch, objects), "open the object database")
        defer { git_odb_free(scratch) }
        var memory: UnsafeMutablePointer<git_odb_backend>?
        try check(git_mempack_new(&memory), "create an in-memory object store")
        // Highest priority: libgit2 writes to the first backend that can write, and reads through all of them.
        let added = git_odb_add_backend(scratch, memory, Self.memoryBackendPriority)
        if added < 0, let memory { memory.pointee.free?(memory) }
        try check(added, "add an in-memory object store")
        try check(git_repository_set_odb(repo, scratch), "swap the object database")
        defer { git_repository_set_odb(repo, original) }
        return try body()
    }

    /// Above libgit2's loose (1) and pack (2) backends.
    private static let memoryBackendPriority: Int32 = 1_000
}
