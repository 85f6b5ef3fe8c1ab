import Foundation

/// Real git repositories for tests, made with the `git` CLI: a bare remote and clones of it.
public struct GitFixture: Sendable {
    /// The folder every repository of this fixture lives in.
    public let scratch: ScratchDirectory

    public init(scratch: ScratchDirectory) {
        self.scratch = scratch
    }

    /// Creates a bare repository `NAME.git` whose `main` branch holds `files` in one commit.
    @discardableResult
    public func makeRemote(
        _ name: String,
        files: [String: String] = ["README.md": "hello\n"],
        branch: String = "main"
    ) throws -> URL {
        let bare = scratch.appending("\(name).git")
        try Shell.check(["git", "init", "--quiet", "--bare", "--initial-branch=\(branch)", bare.path])
        let seed = scratch.appending("\(name)-seed-\(UUID().uuidString.prefix(6))")
        try Shell.check(["git", "clone", "--quiet", bare.path, seed.path])
        try Shell.check(["git", "checkout", "--quiet", "-B", branch], in: seed)
        try write(files, in: seed)
        try Shell.check(["git", "add", "-A"], in: seed)
        try Shell.check(["git", "commit", "--quiet", "-m", "initial commit"], in: seed)
        try Shell.check(["git", "push", "--quiet", "origin", branch], in: seed)
        try? FileManager.default.removeItem(at: seed)
        return bare
    }

    /// Clones `remote` into `NAME` inside the scratch folder with the git CLI.
    @discardableResult
    public func clone(_ remote: URL, as name: String, branch: String = "main") throws -> URL {
        let target = scratch.appending(name)
        try Shell.check(["git", "clone", "--quiet", "--branch", branch, remote.path, target.path])
        return target
    }

    /// Pushes a new commit with `files` to `remote` from a throwaway clone; returns the new commit id.
    @discardableResult
    public func pushCommit(
        to remote: URL,
        files: [String: String],
        removing removed: [String] = [],
        message: String = "change",
        branch: String = "main"
    ) throws -> String {
        let work = scratch.appending("push-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: work) }
        try Shell.check(["git", "clone", "--quiet", "--branch", branch, remote.path, work.path])
        try write(files, in: work)
        for path in removed { try FileManager.default.removeItem(at: work.appendingPathComponent(path)) }
        try Shell.check(["git", "add", "-A"], in: work)
        try Shell.check(["git", "commit", "--quiet", "-m", message], in: work)
        try Shell.check(["git", "push", "--quiet", "origin", branch], in: work)
        return try Shell.check(["git", "rev-parse", "HEAD"], in: work)
    }

    /// Writes `files` (relative path → contents) under `directory`, creating folders as needed.
    public func write(_ files: [String: String], in directory: URL) throws {
        for (path, contents) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(contents.utf8).write(to: url)
        }
    }

    /// Commits `files` in the working repository `directory` with the git CLI; returns the commit id.
    @discardableResult
    public func commit(_ files: [String: String], in directory: URL, message: String = "local change") throws -> String {
        try write(files, in: directory)
        try Shell.check(["git", "add", "-A"], in: directory)
        try Shell.check(["git", "commit", "--quiet", "-m", message], in: directory)
        return try Shell.check(["git", "rev-parse", "HEAD"], in: directory)
    }
}
