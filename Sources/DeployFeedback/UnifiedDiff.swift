import Foundation

/// One file touched by a git diff, as git (libgit2) reads its headers.
public struct PatchedFile: Sendable, Hashable, Codable {
    /// The path before the change (`nil` for a new file); repository-relative, its first folder (the `a/` prefix, or
    /// any other) removed as git does, or taken whole from a `rename from`/`copy from` line.
    public var oldPath: String?
    /// The path after the change (`nil` for a deleted file); read like ``oldPath``.
    public var newPath: String?
    /// The mode the old side has, from `old mode`, `deleted file mode` or the `index A..B MODE` line (`100644`,
    /// `120000` for a symbolic link, …); `nil` when the diff names none.
    public var oldMode: String?
    /// The mode the new side gets, from `new mode`, `new file mode` or the `index` line, else the old mode.
    public var newMode: String?
    /// Whether the diff carries binary data for this file (`GIT binary patch` or `Binary files … differ`).
    public var isBinary: Bool

    public init(
        oldPath: String? = nil, newPath: String? = nil, oldMode: String? = nil, newMode: String? = nil,
        isBinary: Bool = false
    ) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldMode = oldMode
        self.newMode = newMode
        self.isBinary = isBinary
    }

    /// Every path this entry names, without duplicates.
    public var paths: [String] {
        var seen: [String] = []
        for path in [oldPath, newPath].compactMap({ $0 }) where !seen.contains(path) { seen.append(path) }
        return seen
    }
}

/// What a git diff touches: its files, in the order the diff names them.
public struct PatchSummary: Sendable, Hashable, Codable {
    /// The files, in the order the diff names them.
    public var files: [PatchedFile]

    public init(files: [PatchedFile]) { self.files = files }

    /// Every path the diff names (old and new sides, renames and copies), sorted, without duplicates.
    public var paths: [String] { Array(Set(files.flatMap(\.paths))).sorted() }

    /// The paths whose content exists after the patch (the set to commit: new and modified paths, rename targets,
    /// and deleted paths, whose deletion is committed too).
    public var changedPaths: [String] {
        Array(Set(files.flatMap { [$0.oldPath, $0.newPath].compactMap { $0 } })).sorted()
    }
}

/// deployctl's own reader of git diffs: the file headers, read by the rules libgit2 applies them with, and the
/// hunks, checked against their line counts.
///
/// It is not what the policy judges (that is libgit2's own parse, see ``PatchReader``): it is the second reading
/// that a patch must agree with, so that a header spelled to be read one way by one reader and another way by the
/// other is refused instead of guessed at. Its rules, as libgit2's: only `diff --git` sections are files; a path of
/// `diff --git`, `---` and `+++` loses its first folder, whatever it is called (`a/`, `b/`, `x/`), after any leading
/// slashes; `rename from|to`, `rename old|new` and `copy from|to` name paths whole and win over the others; runs of
/// `/` count as one; C-style quoted paths are unquoted; `index A..B MODE` gives both sides a mode unless a mode line
/// did. A removed line that starts with `--` inside a hunk is never taken for a header.
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
    /// - Throws: ``FeedbackError/Code/malformedPatch`` when no `diff --git` file is found, a `---`/`+++` header
    ///   stands outside one, a hunk is corrupt, a quoted path is not valid or a file's paths cannot be told.
    public static func summarize(_ patch: String) throws(FeedbackError) -> PatchSummary {
        var files: [PatchedFile] = []
        var current: FileHeaders?
        var hunk = HunkLines()
        var lineNumber = 0

        func flush() throws(FeedbackError) {
            if let state = current { files.append(try state.resolved()) }
            current = nil
        }

        for rawLine in Self.lines(of: patch) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if hunk.isOpen {
                try hunk.take(line, lineNumber: lineNumber)
                continue
            }
            if current?.sawHunk == true, !line.hasPrefix("@@ "), !line.hasPrefix("diff --git "),
                line.first == "+" || line.first == " " || line.first == "-"
            {
                throw FeedbackError(
                    .malformedPatch, "line \(lineNumber) lies outside any hunk: \(quoted(String(line)))", field: "patch"
                )
            }
            if line.hasPrefix("diff --git ") {
                try flush()
                current = FileHeaders(line: lineNumber)
                let names = try parseGitHeader(line.dropFirst("diff --git ".count), line: lineNumber)
                current?.headerOld = names?.old
                current?.headerNew = names?.new
                continue
            }
            if line.hasPrefix("--- ") || line.hasPrefix("+++ ") {
                guard var state = current, !state.sawHunk else {
                    throw FeedbackError(
                        .malformedPatch,
                        "line \(lineNumber) is a '\(line.prefix(3))' header outside a 'diff --git' file: deployctl applies "
                            + "git diffs, where each file starts with 'diff --git a/PATH b/PATH'",
                        field: "patch")
                }
                // As written (prefix kept, `/dev/null` as is): the rest of the line.
                let path = try wholePath(line.dropFirst(4), line: lineNumber)
                if line.hasPrefix("---") { state.minusPath = path } else { state.plusPath = path }
                current = state
                continue
            }
            if line.hasPrefix("@@ ") {
                guard current != nil, let counts = parseHunkHeader(line) else {
                    throw FeedbackError(.malformedPatch, "bad hunk header at line \(lineNumber)", field: "patch")
                }
                current?.sawHunk = true
                hunk.start(old: counts.0, new: counts.1)
                continue
            }
            guard current != nil, current?.sawHunk == false else { continue }
            if let rest = line.dropPrefix("rename from ") ?? line.dropPrefix("rename old ") {
                current?.renameOld = try wholePath(rest, line: lineNumber)
                current?.status = .renamed
            } else if let rest = line.dropPrefix("copy from ") {
                current?.renameOld = try wholePath(rest, line: lineNumber)
                current?.status = .copied
            } else if let rest = line.dropPrefix("rename to ") ?? line.dropPrefix("rename new ") {
                current?.renameNew = try wholePath(rest, line: lineNumber)
                current?.status = .renamed
            } else if let rest = line.dropPrefix("copy to ") {
                current?.renameNew = try wholePath(rest, line: lineNumber)
                current?.status = .copied
            } else if let mode = line.dropPrefix("new file mode ") {
                current?.newMode = parseMode(mode)
                current?.status = .added
            } else if let mode = line.dropPrefix("deleted file mode ") {
                current?.oldMode = parseMode(mode)
                current?.status = .deleted
            } else if let mode = line.dropPrefix("old mode ") {
                current?.oldMode = parseMode(mode)
            } else if let mode = line.dropPrefix("new mode ") {
                current?.newMode = parseMode(mode)
            } else if let rest = line.dropPrefix("index ") {
                // `index 1234567..89abcde 100644`: the mode, when given, is both sides' unless a mode line said.
                let words = rest.split(separator: " ", omittingEmptySubsequences: true)
                if words.count >= 2, let mode = parseMode(words[1]) {
                    if current?.newMode == nil { current?.newMode = mode }
                    if current?.oldMode == nil { current?.oldMode = mode }
                }
            } else if line == "GIT binary patch" || (line.hasPrefix("Binary files ") && line.hasSuffix(" differ")) {
                current?.isBinary = true
            }
        }
        if hunk.isOpen {
            throw FeedbackError(.malformedPatch, "the last hunk is cut short", field: "patch")
        }
        try flush()
        guard !files.isEmpty else {
            throw FeedbackError(
                .malformedPatch, "the patch names no file (no 'diff --git a/PATH b/PATH' header)", field: "patch")
        }
        return PatchSummary(files: files)
    }

    /// The two names of `diff --git X Y` as written (prefixes kept): each quoted, or up to the next blank. `nil` when
    /// the line holds anything else (unquoted names with spaces): git then takes the names from the `---`/`+++` or
    /// `rename` lines.
    static func parseGitHeader(_ rest: Substring, line: Int) throws(FeedbackError) -> (old: String, new: String)? {
        var remainder = rest
        func word() throws(FeedbackError) -> String {
            if remainder.first == "\"" {
                let (value, after) = try readQuoted(remainder, line: line)
                remainder = after
                return value
            }
            let end = remainder.firstIndex(where: isBlank) ?? remainder.endIndex
            defer { remainder = remainder[end...] }
            return String(remainder[..<end])
        }
        let old = try word()
        guard remainder.first.map(isBlank) == true else { return nil }
        remainder = remainder.drop(while: isBlank)
        let new = try word()
        guard remainder.isEmpty else { return nil }
        return (try checkedPath(old, line: line), try checkedPath(new, line: line))
    }

    /// A path that takes the rest of its line (`---`/`+++`, `rename from`, `copy to`, …): trailing blanks dropped, a
    /// quoted path unquoted (the quotes must enclose the whole rest), runs of `/` squashed.
    static func wholePath(_ rest: Substring, line: Int) throws(FeedbackError) -> String {
        var text = rest
        while let last = text.last, isBlank(last) { text = text.dropLast() }
        if text.first == "\"" {
            let (value, after) = try readQuoted(text, line: line)
            guard after.isEmpty else {
                throw FeedbackError(.malformedPatch, "text after a quoted path at line \(line)", field: "patch")
            }
            return try checkedPath(value, line: line)
        }
        return try checkedPath(String(text), line: line)
    }

    /// `path` with runs of `/` squashed to one; empty paths are refused.
    private static func checkedPath(_ path: String, line: Int) throws(FeedbackError) -> String {
        var squashed = ""
        for character in path where !(character == "/" && squashed.last == "/") { squashed.append(character) }
        guard !squashed.isEmpty else {
            throw FeedbackError(.malformedPatch, "an empty path at line \(line)", field: "patch")
        }
        return squashed
    }

    /// `path` without its first folder, as git strips a patch's prefix (`a/`, `b/` or any other name; leading slashes
    /// do not count): `nil` when nothing would be left.
    static func strippingPrefix(_ path: String) -> String? {
        let rest = path.drop { $0 == "/" }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let stripped = rest[rest.index(after: slash)...]
        return stripped.isEmpty ? nil : String(stripped)
    }

    /// A mode as written in a header (`100644`): octal digits, normalised to six; `nil` when it is not one.
    static func parseMode(_ text: Substring) -> String? {
        let digits = text.prefix { ("0"..."7").contains($0) }
        guard !digits.isEmpty, text.dropFirst(digits.count).allSatisfy(isBlank),
            let value = UInt32(digits, radix: 8), value <= 0xFFFF
        else { return nil }
        return modeText(value)
    }

    /// A numeric mode as a header writes it, at least six digits (`040000`); `nil` for 0 (no mode).
    public static func modeText(_ mode: UInt32) -> String? {
        guard mode != 0 else { return nil }
        let text = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 6 - text.count)) + text
    }

    static func isBlank(_ character: Character) -> Bool {
        character == " " || character == "\t"
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
}

/// The headers of one `diff --git` file while the reader goes through them, resolved into a ``PatchedFile`` by the
/// rules libgit2 uses (`check_filenames` in its `patch_parse.c`).
private struct FileHeaders {
    enum Status { case modified, added, deleted, renamed, copied }

    /// The line of its `diff --git` header, for messages.
    let line: Int
    var headerOld: String?
    var headerNew: String?
    var minusPath: String?
    var plusPath: String?
    var renameOld: String?
    var renameNew: String?
    var status = Status.modified
    var oldMode: String?
    var newMode: String?
    var isBinary = false
    var sawHunk = false

    init(line: Int) { self.line = line }

    func resolved() throws(FeedbackError) -> PatchedFile {
        func bad(_ reason: String) -> FeedbackError {
            FeedbackError(.malformedPatch, "the file of 'diff --git' at line \(line): \(reason)", field: "patch")
        }
        if (minusPath == nil) != (plusPath == nil) {
            throw bad(minusPath == nil ? "a '+++' header without '---'" : "a '---' header without '+++'")
        }
        let added = status == .added
        let deleted = status == .deleted
        if let headerOld, let minusPath {
            if added ? minusPath != "/dev/null" : headerOld != minusPath {
                throw bad("its old path differs between 'diff --git' and '---'")
            }
        }
        if let headerNew, let plusPath {
            if deleted ? plusPath != "/dev/null" : headerNew != plusPath {
                throw bad("its new path differs between 'diff --git' and '+++'")
            }
        }
        let prefixedOld = !added && minusPath != nil ? minusPath : headerOld
        let prefixedNew = !deleted && plusPath != nil ? plusPath : headerNew
        func stripped(_ path: String?) throws(FeedbackError) -> String? {
            guard let path else { return nil }
            guard let result = UnifiedDiff.strippingPrefix(path) else {
                throw bad("the path \(quoted(path)) has no folder for git to strip (a/, b/)")
            }
            return result
        }
        var old = renameOld
        if old == nil { old = try stripped(prefixedOld) }
        var new = renameNew
        if new == nil { new = try stripped(prefixedNew) }
        if old == nil { old = new } else if new == nil { new = old }
        guard old != nil else { throw bad("no path is given") }
        var newMode = self.newMode
        if !deleted, newMode == nil { newMode = oldMode }
        return PatchedFile(
            oldPath: added ? nil : old, newPath: deleted ? nil : new, oldMode: oldMode, newMode: newMode,
            isBinary: isBinary)
    }
}

extension Substring {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
