/// Uncommitted state of a work tree, as paths relative to the work directory. Ignored files are not listed.
public struct WorkTreeStatus: Sendable, Hashable, CustomStringConvertible {
    /// Paths whose index entry differs from HEAD.
    public var staged: [String]
    /// Tracked paths whose work-tree contents differ from the index.
    public var unstaged: [String]
    /// Paths neither tracked nor ignored.
    public var untracked: [String]
    /// Paths with unresolved merge conflicts.
    public var conflicted: [String]

    public init(staged: [String] = [], unstaged: [String] = [], untracked: [String] = [], conflicted: [String] = []) {
        self.staged = staged
        self.unstaged = unstaged
        self.untracked = untracked
        self.conflicted = conflicted
    }

    /// Nothing staged, modified, untracked or conflicted.
    public var isClean: Bool { staged.isEmpty && unstaged.isEmpty && untracked.isEmpty && conflicted.isEmpty }

    /// Tracked content differs from HEAD (staged, unstaged or conflicted); untracked files alone do not count.
    public var hasTrackedChanges: Bool { !staged.isEmpty || !unstaged.isEmpty || !conflicted.isEmpty }

    /// This status without the paths that start with one of `prefixes` (a folder is given with its trailing `/`).
    public func excluding(prefixes: [String]) -> WorkTreeStatus {
        guard !prefixes.isEmpty else { return self }
        func keep(_ paths: [String]) -> [String] {
            paths.filter { path in !prefixes.contains { path.hasPrefix($0) } }
        }
        return WorkTreeStatus(
            staged: keep(staged), unstaged: keep(unstaged), untracked: keep(untracked), conflicted: keep(conflicted))
    }

    public var description: String {
        var parts: [String] = []
        if !staged.isEmpty { parts.append("staged: \(staged.joined(separator: ", "))") }
        if !unstaged.isEmpty { parts.append("modified: \(unstaged.joined(separator: ", "))") }
        if !untracked.isEmpty { parts.append("untracked: \(untracked.joined(separator: ", "))") }
        if !conflicted.isEmpty { parts.append("conflicted: \(conflicted.joined(separator: ", "))") }
        return parts.isEmpty ? "clean" : parts.joined(separator: "; ")
    }
}
