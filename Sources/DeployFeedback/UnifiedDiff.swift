import Foundation

/// One file touched by a unified diff, as its headers describe it.
public struct PatchedFile: Sendable, Hashable, Codable {
    /// The path before the change (`nil` for a new file); repository-relative, prefix `a/` removed.
    public var oldPath: String?
    /// The path after the change (`nil` for a deleted file); repository-relative, prefix `b/` removed.
    public var newPath: String?
    /// Paths from `---`/`+++` headers that had no `a/`/`b/` prefix, kept raw so the policy checks both readings.
    public var unprefixedPaths: [String]
    /// The mode of a new file or the new mode of a mode change (`100644`, `100755`, `120000` for a symlink, …).
    public var newMode: String?
    /// Whether the diff carries binary data for this file (`GIT binary patch` or `Binary files … differ`).
    public var isBinary: Bool

    public init(
        oldPath: String? = nil, newPath: String? = nil, unprefixedPaths: [String] = [], newMode: String? = nil,
        isBinary: Bool = false
    ) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.unprefixedPaths = unprefixedPaths
        self.newMode = newMode
        self.isBinary = isBinary
    }

    /// Every path this entry names, without duplicates.
    public var paths: [String] {
        var seen: [String] = []
        for path in [oldPath, newPath].compactMap({ $0 }) + unprefixedPaths where !seen.contains(path) {
            seen.append(path)
        }
        return seen
    }
}

/// What a unified diff touches, read from its headers alone (no repository, no libgit2).
public struct PatchSummary: Sendable, Hashable, Codable {
    /// The files, in the order the diff names them.
    public var files: [PatchedFile]

    /// Every path the diff names (old and new sides, renames and copies), sorted, without duplicates.
    public var paths: [String] { Array(Set(files.flatMap(\.paths))).sorted() }

    /// The paths whose content exists after the patch (the set to commit: new and modified paths, rename targets,
    /// and deleted paths, whose deletion is committed too).
    public var changedPaths: [String] {
        Array(Set(files.flatMap { [$0.oldPath, $0.newPath].compactMap { $0 } })).sorted()
    }
}

/// A reader of unified diffs (git's extended form and plain `---`/`+++` diffs) that extracts the paths they touch.
///
/// It follows hunk line counts, so a removed line that starts with `--` inside a hunk is not taken for a header, and
/// it reads git's C-style quoted paths (`"a/tab\there"`, octal escapes for non-ASCII bytes).
public enum UnifiedDiff {
    /// The lines of `patch`, split at LF bytes as git does (a trailing `\r` stays on its line): `"\r\n"` is one
    /// Swift `Character`, so a CRLF patch split by Characters would be one line whose later headers nobody sees.
    static func lines(of patch: String) -> [Substring] {
        var lines = patch.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map(Substring.init)
        if patch.utf8.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines
    }

    /// Reads the file headers of `patch`.
    ///
    /// - Throws: ``FeedbackError/Code/malformedPatch`` when no file header is found, a hunk is corrupt or a quoted
    ///   path is not valid.
    public static func summarize(_ patch: String) throws(FeedbackError) -> PatchSummary {
        var files: [PatchedFile] = []
        var current: FileState?
        var hunk = HunkLines()
        var lineNumber = 0

        func flush() {
            if let state = current {
                var file = state.file
                if state.deleted { file.newPath = nil }
                files.append(file)
            }
            current = nil
        }

        let lines = Self.lines(of: patch)
        for rawLine in lines {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if hunk.isOpen {
                try hunk.take(line, lineNumber: lineNumber)
                continue
            }
            if current?.sawHunk == true,
                line.first == "+" || line.first == " " || (line.first == "-" && !line.hasPrefix("--- "))
            {
                throw FeedbackError(
                    .malformedPatch, "line \(lineNumber) lies outside any hunk: \(quoted(String(line)))", field: "patch"
                )
            }
            if line.hasPrefix("diff --git ") {
                flush()
                current = FileState()
                let names = try parseGitHeader(line.dropFirst("diff --git ".count), line: lineNumber)
                current?.file.oldPath = names.old
                current?.file.newPath = names.new
            } else if line.hasPrefix("--- ") || line.hasPrefix("+++ ") {
                let isOld = line.hasPrefix("---")
                if isOld, current == nil || current?.sawHunk == true || current?.sawOldHeader == true {
                    flush()
                    current = FileState()
                }
                let (path, prefixed) = try parseHeaderPath(
                    line.dropFirst(4), prefix: isOld ? "a/" : "b/", line: lineNumber)
                if isOld {
                    current?.sawOldHeader = true
                    current?.file.oldPath = path
                } else {
                    current?.file.newPath = path
                }
                if let path, !prefixed { current?.file.unprefixedPaths.append(path) }
            } else if line.hasPrefix("@@ ") {
                guard current != nil, let counts = parseHunkHeader(line) else {
                    throw FeedbackError(.malformedPatch, "bad hunk header at line \(lineNumber)", field: "patch")
                }
                current?.sawHunk = true
                hunk.start(old: counts.0, new: counts.1)
            } else if let rest = line.dropPrefix("rename from ") ?? line.dropPrefix("copy from ") {
                current?.file.oldPath = try unquoteIfNeeded(rest, line: lineNumber)
            } else if let rest = line.dropPrefix("rename to ") ?? line.dropPrefix("copy to ") {
                current?.file.newPath = try unquoteIfNeeded(rest, line: lineNumber)
            } else if let mode = line.dropPrefix("new file mode ") ?? line.dropPrefix("new mode ") {
                current?.file.newMode = String(mode)
            } else if line.hasPrefix("deleted file mode ") {
                current?.deleted = true
            } else if line == "GIT binary patch" || (line.hasPrefix("Binary files ") && line.hasSuffix(" differ")) {
                current?.file.isBinary = true
            }
        }
        if hunk.isOpen {
            throw FeedbackError(.malformedPatch, "the last hunk is cut short", field: "patch")
        }
        flush()
        guard !files.isEmpty else {
            throw FeedbackError(
                .malformedPatch, "the patch names no file (no 'diff --git' or '---'/'+++' header)", field: "patch")
        }
        return PatchSummary(files: files)
    }

    /// Splits the names of `diff --git a/X b/Y`; with unquoted names holding spaces, the split where both sides name
    /// the same path wins, else the first ` b/`.
    static func parseGitHeader(_ rest: Substring, line: Int) throws(FeedbackError) -> (old: String?, new: String?) {
        var remainder = rest
        let old: String
        if remainder.first == "\"" {
            let (value, after) = try readQuoted(remainder, line: line)
            old = value
            remainder = after.drop(while: { $0 == " " })
            let new = remainder.first == "\"" ? try readQuoted(remainder, line: line).value : String(remainder)
            return (stripPrefix(old, "a/"), stripPrefix(new, "b/"))
        }
        if let quoteStart = remainder.range(of: " \"") {
            old = String(remainder[..<quoteStart.lowerBound])
            let new = try readQuoted(remainder[remainder.index(after: quoteStart.lowerBound)...], line: line).value
            return (stripPrefix(old, "a/"), stripPrefix(new, "b/"))
        }
        let text = String(remainder)
        let characters = Array(text)
        if characters.count % 2 == 1 {
            let half = characters.count / 2
            let left = String(characters[..<half])
            let right = String(characters[(half + 1)...])
            if characters[half] == " ", left.hasPrefix("a/"), right.hasPrefix("b/"),
                left.dropFirst(2) == right.dropFirst(2)
            {
                return (String(left.dropFirst(2)), String(right.dropFirst(2)))
            }
            if characters[half] == " ", left == right { return (left, right) }
        }
        guard let split = text.range(of: " b/") else {
            throw FeedbackError(
                .malformedPatch, "cannot read the names in 'diff --git' at line \(line)", field: "patch")
        }
        return (stripPrefix(String(text[..<split.lowerBound]), "a/"), String(text[split.upperBound...]))
    }

    /// Reads the path of a `---`/`+++` header: quoted or up to a tab (a timestamp may follow); `/dev/null` is `nil`.
    static func parseHeaderPath(_ rest: Substring, prefix: String, line: Int) throws(FeedbackError) -> (String?, Bool) {
        let raw: String
        if rest.first == "\"" {
            raw = try readQuoted(rest, line: line).value
        } else {
            raw = String(rest.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }
        if raw == "/dev/null" { return (nil, true) }
        if raw.hasPrefix(prefix) { return (String(raw.dropFirst(prefix.count)), true) }
        return (raw, false)
    }

    static func parseHunkHeader(_ line: Substring) -> (Int, Int)? {
        let parts = line.split(separator: " ")
        guard parts.count >= 3, parts[1].hasPrefix("-"), parts[2].hasPrefix("+") else { return nil }
        func count(_ range: Substring) -> Int? {
            let pieces = range.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let start = Int(pieces[0]), start >= 0 else { return nil }
            if pieces.count == 2 { return Int(pieces[1]).flatMap { $0 >= 0 ? $0 : nil } }
            return 1
        }
        guard let old = count(parts[1]), let new = count(parts[2]) else { return nil }
        return (old, new)
    }

    static func unquoteIfNeeded(_ text: Substring, line: Int) throws(FeedbackError) -> String {
        text.first == "\"" ? try readQuoted(text, line: line).value : String(text)
    }

    /// Reads a C-style quoted string at the start of `text` (git's quoting); returns it and what follows it.
    static func readQuoted(_ text: Substring, line: Int) throws(FeedbackError) -> (value: String, rest: Substring) {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 1
        func bad() -> FeedbackError {
            FeedbackError(.malformedPatch, "bad quoted path at line \(line)", field: "patch")
        }
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") {
                guard let value = String(validating: bytes, as: UTF8.self) else { throw bad() }
                let restStart = text.utf8.index(text.utf8.startIndex, offsetBy: index + 1)
                return (value, text[restStart...])
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < utf8.count else { throw bad() }
                let escaped = utf8[index]
                switch escaped {
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "a"): bytes.append(0x07)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "v"): bytes.append(0x0B)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(escaped)
                case UInt8(ascii: "0")...UInt8(ascii: "3"):
                    guard index + 2 < utf8.count else { throw bad() }
                    var value = 0
                    for digit in utf8[index...(index + 2)] {
                        guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { throw bad() }
                        value = value * 8 + Int(digit - UInt8(ascii: "0"))
                    }
                    bytes.append(UInt8(value))
                    index += 2
                default: throw bad()
                }
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        throw bad()
    }

    private static func stripPrefix(_ path: String, _ prefix: String) -> String? {
        if path == "/dev/null" { return nil }
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}

/// A file entry while the parser reads it.
private struct FileState {
    var file = PatchedFile()
    var sawHunk = false
    var sawOldHeader = false
    var deleted = false
}

extension Substring {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
