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

    public init(oldPath: String?, newPath: String?, status: Status, isBinary: Bool) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.status = status
        self.isBinary = isBinary
    }

    /// The path shown to users: the new path, or the old one for deletions.
    public var path: String { newPath ?? oldPath ?? "" }

    /// True when a path is absolute, climbs out with `..`, or writes into a `.git` folder.
    public var escapesRepository: Bool {
        [oldPath, newPath].contains { $0.map(PatchedPath.isUnsafe) ?? false }
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
