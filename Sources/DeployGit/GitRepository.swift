import Clibgit2
import Foundation

/// A git repository opened through libgit2: the one owner of its `git_repository` handle.
///
/// ## Thread-safety rules relied upon
/// - libgit2 is initialised once per process (`libgit2Runtime`) and never shut down while handles exist.
/// - libgit2 objects "cannot be safely accessed by multiple threads simultaneously" (libgit2 `docs/threading.md`),
///   but different repositories may be used from different threads at once. So every access to this repository's
///   handle, and to every object read from it, happens inside `withHandle(_:)`, which holds a per-repository lock:
///   one repository is never touched by two operations at once, while separate repositories run in parallel.
/// - libgit2's last error is thread-local: it is read by `GitError.check(_:_:repository:secrets:)` in the same
///   synchronous stretch as the failing call, never across an `await`.
/// - Child objects (commits, trees, references, remotes) are freed before the lock is released; no libgit2 pointer
///   leaves this module.
/// - Network operations (clone, fetch, push) block in C, so they run on a dedicated thread (never Swift's cooperative
///   pool) and are stopped through progress callbacks and `DeadlineSocketStream` when their deadline passes or the
///   awaiting task is cancelled. While one runs, synchronous methods on the same repository wait for the lock.
public final class GitRepository: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()

    /// The work directory (for a bare repository, the git directory).
    public let workDirectory: URL
    /// The `.git` directory (for a linked worktree, its private git directory).
    public let gitDirectory: URL
    /// True for a repository without a work tree.
    public let isBare: Bool

    init(handle: OpaquePointer) {
        self.handle = handle
        let gitPath = String(cString: git_repository_path(handle))
        gitDirectory = URL(fileURLWithPath: gitPath, isDirectory: true).standardizedFileURL
        if let work = git_repository_workdir(handle) {
            workDirectory = URL(fileURLWithPath: String(cString: work), isDirectory: true).standardizedFileURL
            isBare = false
        } else {
            workDirectory = gitDirectory
            isBare = true
        }
    }

    deinit {
        git_repository_free(handle)
    }

    /// The name used in error messages.
    var displayPath: String { workDirectory.path }

    /// Runs `body` with exclusive access to the libgit2 handle.
    func withHandle<T>(_ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(handle)
    }

    /// Checks a libgit2 result for an operation on this repository.
    @discardableResult
    func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GitError) -> Int32 {
        try GitError.check(result, operation(), repository: displayPath)
    }

    func error(_ code: GitError.Code, _ operation: String, _ message: String) -> GitError {
        GitError(code: code, operation: operation, repository: displayPath, message: message)
    }

    // MARK: Opening

    /// Opens the repository whose work directory (or git directory) is exactly `url`; does not search parents.
    ///
    /// - Throws: ``GitError/Code/notFound`` when `url` is not a repository.
    public static func open(at url: URL) throws(GitError) -> GitRepository {
        ensureLibgit2()
        var handle: OpaquePointer?
        try GitError.check(
            git_repository_open_ext(&handle, url.path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil),
            "open",
            repository: url.path
        )
        return GitRepository(handle: handle!)
    }

    /// Opens the repository that owns `url`, searching `url` and then its parents: for a vendored folder inside the
    /// root repository this is the root repository, which is what must be updated to update the folder.
    public static func discover(containing url: URL) throws(GitError) -> GitRepository {
        ensureLibgit2()
        var handle: OpaquePointer?
        try GitError.check(git_repository_open_ext(&handle, url.path, 0, nil), "discover", repository: url.path)
        return GitRepository(handle: handle!)
    }

    /// The path of `url` relative to the work directory (e.g. `vendor/lib`), or nil if it lies outside.
    public func relativePath(of url: URL) -> String? {
        let base = workDirectory.resolvingSymlinksInPath().path
        let target = url.standardizedFileURL.resolvingSymlinksInPath().path
        if target == base { return "" }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return target.hasPrefix(prefix) ? String(target.dropFirst(prefix.count)) : nil
    }
}
