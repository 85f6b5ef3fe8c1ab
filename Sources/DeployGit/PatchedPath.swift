import Foundation

/// One file a unified diff touches.
public struct PatchedPath: Sendable, Hashable {
    /// How the diff changes the file.
    public enum Status: String, Sendable, Hashable, Codable {
        case added, deleted, modified, renamed, copied
    }

    /// The path before the change (nil for an added file).
    public var oldPath: String?
    /// The path after the change (nil for a deleted file).
    public var newPath: String?
    public var status: Status
    /// The diff carries a binary patch (or marks the file binary).
    public var isBinary: Bool
    /// The mode the diff gives the old side (`0o100644`, `0o120000` for a symbolic link, …), from its `old mode`,
    /// `deleted file mode` or `index A..B MODE` line; 0 when it names none.
    public var oldMode: UInt32
    /// The mode the diff gives the new side (`new mode`, `new file mode`, the `index` line, else the old mode); 0
    /// when it names none.
    public var newMode: UInt32

    public init(
        oldPath: String?, newPath: String?, status: Status, isBinary: Bool, oldMode: UInt32 = 0, newMode: UInt32 = 0
    ) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.status = status
        self.isBinary = isBinary
        self.oldMode = oldMode
        self.newMode = newMode
    }

    /// The modes of a regular file (`100644`) and an executable one (`100755`): the only ones a patch may give a path
    /// that deployctl writes; a symbolic link is `120000`, a submodule `160000`, a folder `040000`.
    public static let regularModes: Set<UInt32> = [0o100644, 0o100755]

    /// The path shown to users: the new path, or the old one for deletions.
    public var path: String { newPath ?? oldPath ?? "" }

    /// True when a path is absolute, climbs out with `..`, or writes into a `.git` folder.
    public var escapesRepository: Bool {
        [oldPath, newPath].contains { $0.map(PatchedPath.isUnsafe) ?? false }
    }

    /// The paths of `patched` that reach a symbolic link of the work tree at `root` (checked with `lstat`, nothing
    /// followed): a link as a leading folder of any path, or as the file itself unless the file is deleted. git does
    /// not write "beyond a symbolic link"; neither does deployctl.
    public static func symbolicLinks(on patched: PatchedPath, in root: URL) -> [String] {
        var found: [String] = []
        for (path, isDeleted) in [(patched.oldPath, patched.status == .deleted), (patched.newPath, false)] {
            guard let path, !found.contains(path) else { continue }
            if firstSymbolicLink(on: path, in: root.path, allowingOneAtTheEnd: isDeleted) != nil { found.append(path) }
        }
        return found
    }

    /// The first segment of `path` under `root` that is a symbolic link (its full path), walking with `lstat`;
    /// `allowingOneAtTheEnd` lets the last segment be one (a deleted file). `nil` when none is, or when the walk
    /// reaches a segment that does not exist yet.
    public static func firstSymbolicLink(on path: String, in root: String, allowingOneAtTheEnd: Bool) -> String? {
        let segments = path.split(separator: "/")
        var current = root
        for (index, segment) in segments.enumerated() {
            current += "/" + segment
            var info = stat()
            guard lstat(current, &info) == 0 else { return nil }  // the rest does not exist yet
            guard info.st_mode & S_IFMT == S_IFLNK else { continue }
            return index == segments.count - 1 && allowingOneAtTheEnd ? nil : current
        }
        return nil
    }

    /// Whether `path` (as written in a diff, after `a/`/`b/` stripping) is unsafe to write relative to a work tree.
    public static func isUnsafe(_ path: String) -> Bool {
        if path.isEmpty || path.hasPrefix("/") || path.hasPrefix("~") || path.contains("\\") { return true }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        return components.contains { $0 == ".." || $0.lowercased() == ".git" }
    }
}

/// Where ``GitRepository/apply(diff:to:checkOnly:)`` writes.
public enum ApplyLocation: Sendable, Hashable {
    /// Both the work tree and the index (like `git apply --index`).
    case workTreeAndIndex
    /// Only the index (like `git apply --cached`).
    case index
    /// Only the work tree (like `git apply`).
    case workTree
}
