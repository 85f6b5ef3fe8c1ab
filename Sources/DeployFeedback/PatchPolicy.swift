import Foundation

/// The safety policy for what a feedback patch may touch: every path stays inside the target repository, out of
/// `.git`, off the deny-list, through no symbolic link that leaves the repository, within size and file-count limits.
///
/// The policy reads paths from the diff's own headers (``UnifiedDiff``), so it does not depend on what libgit2 would
/// accept; it runs before anything is applied.
public struct PatchPolicy: Sendable, Hashable, Codable {
    /// Path patterns a patch may not touch. A pattern ending in `/` denies that folder (from the repository root);
    /// a pattern with another `/` is matched against the whole path; a pattern without `/` is matched against every
    /// path segment. `*` matches any run of characters except `/`, `?` one character; matching ignores case.
    public var deniedPaths: [String]
    /// The largest patch accepted, in bytes of UTF-8.
    public var maxPatchBytes: Int
    /// The most files a patch may touch.
    public var maxFiles: Int
    /// Whether patches carrying binary data are accepted.
    public var allowsBinary: Bool

    /// The default deny-list: CI workflows, the dispatcher's own environment file, and every `*.env` file.
    public static let defaultDeniedPaths = [".github/workflows/", "dispatcher.env", "*.env"]

    public init(
        deniedPaths: [String] = PatchPolicy.defaultDeniedPaths,
        maxPatchBytes: Int = 2 << 20,
        maxFiles: Int = 200,
        allowsBinary: Bool = false
    ) {
        self.deniedPaths = deniedPaths
        self.maxPatchBytes = maxPatchBytes
        self.maxFiles = maxFiles
        self.allowsBinary = allowsBinary
    }

    /// Checks a whole patch: its size, then its headers, then every path it names.
    ///
    /// - Parameters:
    ///   - patch: the unified diff.
    ///   - repository: the repository's work tree on disk (symbolic links in it are resolved).
    /// - Returns: the files the patch touches.
    /// - Throws: ``FeedbackError`` with the first violated rule and the offending paths.
    @discardableResult
    public func check(patch: String, repository: URL) throws(FeedbackError) -> PatchSummary {
        let size = patch.utf8.count
        guard size <= maxPatchBytes else {
            throw FeedbackError(
                .patchTooLarge, "the patch has \(size) bytes; the limit is \(maxPatchBytes)", field: "patch")
        }
        let summary = try UnifiedDiff.summarize(patch)
        try check(summary, repository: repository)
        return summary
    }

    /// Checks the files a diff touches (count, binary data, special modes) and then their paths.
    public func check(_ summary: PatchSummary, repository: URL) throws(FeedbackError) {
        guard summary.files.count <= maxFiles else {
            throw FeedbackError(
                .tooManyFiles, "the patch touches \(summary.files.count) files; the limit is \(maxFiles)",
                field: "patch")
        }
        if !allowsBinary {
            let binary = summary.files.filter(\.isBinary).flatMap(\.paths)
            if !binary.isEmpty {
                throw FeedbackError(.binaryPatch, "binary patches are not accepted", field: "patch", paths: binary)
            }
        }
        let special = summary.files.filter { $0.newMode == "120000" || $0.newMode == "160000" }.flatMap(\.paths)
        if !special.isEmpty {
            throw FeedbackError(
                .specialFileMode, "the patch creates a symbolic link or a submodule entry", field: "patch",
                paths: special)
        }
        try check(paths: summary.paths, repository: repository)
    }

    /// The path rules alone: a pure function of the paths and the repository folder on disk.
    ///
    /// - Throws: ``FeedbackError`` naming the rule (absolute, `..`, `.git`, deny-list, symlink escape) and every path
    ///   that breaks it.
    public func check(paths: [String], repository: URL) throws(FeedbackError) {
        try reject(paths, .invalidPath, "paths must be non-empty, without control characters, '.' or empty segments") {
            path in
            path.isEmpty || path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
                || path.hasSuffix("/")
                || path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
                    .contains(where: { $0.isEmpty || $0 == "." })
                || path == "." || path.hasPrefix("./")
        }
        try reject(paths, .absolutePath, "absolute paths are not allowed") {
            $0.hasPrefix("/") || $0.hasPrefix("\\") || $0.hasPrefix("~")
        }
        try reject(paths, .pathTraversal, "paths must not contain '..' segments") { path in
            path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..")
        }
        try reject(paths, .gitDirectory, "writes into .git are not allowed") { path in
            path.split(separator: "/").contains(where: Self.isGitDirectoryName)
        }
        try reject(paths, .deniedPath, "the path is on the deny-list (\(deniedPaths.joined(separator: ", ")))") {
            path in
            deniedPaths.contains { Self.matches(pattern: $0, path: path) }
        }
        let root = Self.realPath(repository.path) ?? repository.standardizedFileURL.path
        var escaping: [String] = []
        var intoGit: [String] = []
        for path in paths {
            switch Self.symlinkVerdict(path, root: root) {
            case .inside: break
            case .escapes: escaping.append(path)
            case .intoGitDirectory: intoGit.append(path)
            }
        }
        if !escaping.isEmpty {
            throw FeedbackError(
                .symlinkEscape, "the path goes through a symbolic link that leads outside the repository",
                field: "patch", paths: escaping)
        }
        if !intoGit.isEmpty {
            throw FeedbackError(
                .gitDirectory, "the path goes through a symbolic link into .git", field: "patch", paths: intoGit)
        }
    }

    private func reject(
        _ paths: [String], _ code: FeedbackError.Code, _ rule: String, when isBad: (String) -> Bool
    ) throws(FeedbackError) {
        let bad = paths.filter(isBad)
        guard bad.isEmpty else {
            throw FeedbackError(code, "\(rule): \(bad.map(quoted).joined(separator: ", "))", field: "patch", paths: bad)
        }
    }

    /// `.git` in any case, with trailing dots or spaces (which some file systems drop), or its 8.3 short name.
    static func isGitDirectoryName(_ segment: Substring) -> Bool {
        var name = segment.lowercased()
        while name.hasSuffix(".") || name.hasSuffix(" ") { name.removeLast() }
        return name == ".git" || name == "git~1"
    }

    /// Whether `path` matches a deny-list `pattern` (see ``deniedPaths``).
    public static func matches(pattern: String, path: String) -> Bool {
        let pattern = pattern.lowercased()
        let path = path.lowercased()
        if pattern.hasSuffix("/") {
            let folder = String(pattern.dropLast())
            let segments = folder.split(separator: "/").count
            let prefix = path.split(separator: "/").prefix(segments).joined(separator: "/")
            return path.split(separator: "/").count > segments && glob(Array(folder.utf8), Array(prefix.utf8))
        }
        if pattern.contains("/") { return glob(Array(pattern.utf8), Array(path.utf8)) }
        return path.split(separator: "/").contains { glob(Array(pattern.utf8), Array($0.utf8)) }
    }

    private static func glob(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0
        var t = 0
        var star: Int?
        var mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if p < pattern.count,
                pattern[p] == text[t] || (pattern[p] == UInt8(ascii: "?") && text[t] != UInt8(ascii: "/"))
            {
                p += 1
                t += 1
            } else if let s = star, text[mark] != UInt8(ascii: "/") {
                p = s + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    enum SymlinkVerdict { case inside, escapes, intoGitDirectory }

    /// Walks `path` from `root` one segment at a time; every segment that exists and is a symbolic link is resolved
    /// and must stay inside `root` and outside its `.git`. A dangling link counts as escaping (it cannot be checked).
    static func symlinkVerdict(_ path: String, root: String) -> SymlinkVerdict {
        var current = root
        for segment in path.split(separator: "/") {
            let candidate = current + "/" + segment
            var info = stat()
            guard lstat(candidate, &info) == 0 else { return .inside }  // the rest does not exist yet
            if info.st_mode & S_IFMT == S_IFLNK {
                guard let resolved = realPath(candidate) else { return .escapes }
                guard resolved == root || resolved.hasPrefix(root + "/") else { return .escapes }
                if resolved.dropFirst(root.count).split(separator: "/").contains(where: isGitDirectoryName) {
                    return .intoGitDirectory
                }
                current = resolved
            } else {
                current = candidate
            }
        }
        return .inside
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
