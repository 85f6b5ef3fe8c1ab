import DeployGit
import Foundation

/// The safety policy for what a feedback patch may touch: every path stays inside the target repository, out of
/// `.git`, off the deny-list, through no symbolic link, with regular-file modes only, within size and file-count
/// limits.
///
/// The policy judges the patch as git will write it: the paths, modes and kinds come from libgit2's own parse,
/// cross-checked by deployctl's reader (``PatchReader``). It runs before anything is written, on the checkout when
/// a file is validated and again on the folder the patch is then applied in (the verification worktree).
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

    /// Checks a whole patch: its size, then what git reads from it, then every path it names.
    ///
    /// - Parameters:
    ///   - patch: the git diff.
    ///   - repository: the repository's work tree on disk (its symbolic links are looked at, never followed).
    /// - Returns: the files the patch touches, as git reads them.
    /// - Throws: ``FeedbackError`` with the first violated rule and the offending paths.
    @discardableResult
    public func check(patch: String, repository: URL) throws(FeedbackError) -> PatchSummary {
        try checkSize(patch)
        let summary = try PatchReader.read(patch)
        try check(summary, repository: repository)
        return summary
    }

    /// Checks the patch of a folder of a repository (a vendored folder `repos/NAME` of the root's repository): the
    /// rules relative to the folder, then the patch made a patch of the repository (the folder's path in front), which
    /// must touch nothing outside the folder and pass the rules relative to the repository as well.
    ///
    /// - Parameters:
    ///   - patch: the git diff, relative to the folder.
    ///   - folder: the folder's path in the repository (`repos/hello`).
    ///   - workTree: the repository's work tree on disk.
    /// - Returns: the repository's patch and what it touches (repository-relative paths).
    public func check(patch: String, inFolder folder: String, of workTree: URL) throws(FeedbackError)
        -> (patch: String, summary: PatchSummary)
    {
        try checkSize(patch)
        let read = try PatchReader.read(patch, inFolder: folder)
        try check(read.inFolder, repository: workTree.appendingPathComponent(folder))
        try check(read.inRepository, repository: workTree)
        return (read.patch, read.inRepository)
    }

    private func checkSize(_ patch: String) throws(FeedbackError) {
        let size = patch.utf8.count
        guard size <= maxPatchBytes else {
            throw FeedbackError(
                .patchTooLarge, "the patch has \(size) bytes; the limit is \(maxPatchBytes)", field: "patch")
        }
    }

    /// Checks the files a diff touches (count, binary data, modes), then their paths, then the symbolic links of the
    /// work tree at `repository` they would reach.
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
        let regular = Set(PatchedPath.regularModes.compactMap(UnifiedDiff.modeText))
        let special = summary.files.filter { file in
            [file.oldMode, file.newMode].contains { $0 != nil && !regular.contains($0!) }
        }
        if !special.isEmpty {
            let modes = Set(special.flatMap { [$0.oldMode, $0.newMode].compactMap { $0 } }).subtracting(regular)
            throw FeedbackError(
                .specialFileMode,
                "the patch gives a file the mode \(modes.sorted().joined(separator: ", ")) (a symbolic link is 120000, "
                    + "a submodule 160000); only regular files (100644, 100755) are accepted",
                field: "patch", paths: special.flatMap(\.paths))
        }
        try checkRules(summary.paths)
        let sides: [(path: String?, isDeleted: Bool)] =
            summary.files.map { ($0.oldPath, $0.newPath == nil) } + summary.files.map { ($0.newPath, false) }
        try checkLinks(sides, repository: repository)
    }

    /// The path rules alone: a pure function of the paths and the repository folder on disk.
    ///
    /// - Throws: ``FeedbackError`` naming the rule (absolute, `..`, `.git`, deny-list, symbolic link) and every path
    ///   that breaks it.
    public func check(paths: [String], repository: URL) throws(FeedbackError) {
        try checkRules(paths)
        try checkLinks(paths.map { ($0, false) }, repository: repository)
    }

    private func checkRules(_ paths: [String]) throws(FeedbackError) {
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
    }

    /// Refuses every path that reaches a symbolic link of the work tree at `repository` (see ``linkVerdict``).
    private func checkLinks(_ paths: [(path: String?, isDeleted: Bool)], repository: URL) throws(FeedbackError) {
        let root = Self.realPath(repository.path) ?? repository.standardizedFileURL.path
        var throughLinks: [String] = []
        var intoGit: [String] = []
        for case let (path?, isDeleted) in paths {
            switch Self.linkVerdict(path, root: root, isDeleted: isDeleted) {
            case .none: break
            case .link where !throughLinks.contains(path): throughLinks.append(path)
            case .intoGitDirectory where !intoGit.contains(path): intoGit.append(path)
            default: break
            }
        }
        if !intoGit.isEmpty {
            throw FeedbackError(
                .gitDirectory, "the path goes through a symbolic link into .git", field: "patch", paths: intoGit)
        }
        if !throughLinks.isEmpty {
            throw FeedbackError(
                .symlinkEscape,
                "the path goes through, or is, a symbolic link of the repository (git writes nothing beyond a link, "
                    + "which may lead outside the repository)",
                field: "patch", paths: throughLinks)
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

    enum LinkVerdict { case none, link, intoGitDirectory }

    /// Whether `path` reaches a symbolic link of the tree at `root` (``PatchedPath/firstSymbolicLink(on:in:allowingOneAtTheEnd:)``:
    /// a folder on the way, or the file itself unless the patch deletes it); a link that resolves into the
    /// repository's `.git` is told apart, for the message.
    static func linkVerdict(_ path: String, root: String, isDeleted: Bool) -> LinkVerdict {
        guard let link = PatchedPath.firstSymbolicLink(on: path, in: root, allowingOneAtTheEnd: isDeleted) else {
            return .none
        }
        if let resolved = realPath(link), resolved == root || resolved.hasPrefix(root + "/"),
            resolved.dropFirst(root.count).split(separator: "/").contains(where: isGitDirectoryName)
        {
            return .intoGitDirectory
        }
        return .link
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
