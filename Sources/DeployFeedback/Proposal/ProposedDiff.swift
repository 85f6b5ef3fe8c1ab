import Foundation

/// The unified diff found in a model's answer, checked against the files the build report involves.
public struct ProposedDiff: Sendable, Hashable {
    /// The diff, ending with a newline.
    public var patch: String
    /// The paths it touches (old and new sides), sorted.
    public var paths: [String]
    /// Whether it came from a fenced block (``false``: the whole answer was a diff).
    public var wasFenced: Bool

    /// Finds the diff in `answer` and checks it.
    ///
    /// Accepted: a fenced block (```` ```diff ````, ```` ```patch ```` or a plain ```` ``` ````) that holds a unified
    /// diff, with any prose around it (several diff blocks are joined in order); or an answer that is a unified diff
    /// as a whole. Anything else is not a diff: a diff in prose without a fence is refused, since where it ends is a
    /// guess.
    /// - Parameter allowedPaths: the repository-relative paths the diff may touch; `nil` allows any path.
    /// - Throws: ``FeedbackError/Code/noDiff`` (with what was found), ``FeedbackError/Code/diffOutsideReport`` (with
    ///   the paths outside `allowedPaths`), both with field `patch`.
    public static func extract(from answer: String, allowedPaths: [String]?) throws(FeedbackError) -> ProposedDiff {
        let text = answer.replacingOccurrences(of: "\r\n", with: "\n")
        let blocks = fencedBlocks(text)
        let diffBlocks = blocks.filter(looksLikeDiff)
        let raw: String
        let fenced: Bool
        if !diffBlocks.isEmpty {
            raw = diffBlocks.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
            fenced = true
        } else if blocks.isEmpty, startsLikeDiff(text) {
            var whole = text
            while whole.first?.isNewline == true { whole.removeFirst() }
            raw = whole.hasSuffix("\n") ? whole : whole + "\n"
            fenced = false
        } else {
            let found =
                blocks.isEmpty
                ? (looksLikeDiff(text)
                    ? "a diff inside prose without a fenced block" : "no diff (\(text.count) characters of prose)")
                : "\(blocks.count) fenced block(s), none of them a unified diff"
            throw FeedbackError(.noDiff, "the answer holds no unified diff: \(found)", field: "patch")
        }
        let patch = withGitHeaders(raw)
        let summary: PatchSummary
        do { summary = try UnifiedDiff.summarize(patch) } catch {
            throw FeedbackError(.noDiff, "the answer's diff cannot be read: \(error.message)", field: "patch")
        }
        let paths = summary.paths
        guard !paths.isEmpty else { throw FeedbackError(.noDiff, "the answer's diff names no file", field: "patch") }
        if let allowedPaths {
            let allowed = Set(allowedPaths)
            let outside = paths.filter { !allowed.contains($0) }
            guard outside.isEmpty else {
                throw FeedbackError(
                    .diffOutsideReport,
                    "the diff touches \(outside.joined(separator: ", ")), which the build report does not involve "
                        + "(allowed: \(allowedPaths.isEmpty ? "none" : allowedPaths.joined(separator: ", ")))",
                    field: "patch", paths: outside)
            }
        }
        return ProposedDiff(patch: patch, paths: paths, wasFenced: fenced)
    }

    /// The contents of the fenced code blocks (```` ``` ```` or `~~~`, any info string), in order; an unclosed
    /// block runs to the end.
    static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        var fence = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if current == nil {
                if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                    fence = String(trimmed.prefix { $0 == trimmed.first })
                    current = []
                }
            } else if trimmed.hasPrefix(fence), trimmed.allSatisfy({ $0 == fence.first || $0 == " " }) {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current!.append(line)
            }
        }
        if let current, !current.isEmpty { blocks.append(current.joined(separator: "\n") + "\n") }
        return blocks
    }

    /// Adds the `diff --git a/OLD b/NEW` line (and `new file mode`/`deleted file mode` for `/dev/null` sides) before
    /// each `---`/`+++` pair that lacks one: models often write plain unified diffs, and git's patch reader (libgit2)
    /// needs the git header. Hunk bodies are skipped by their line counts, so a removed line starting with `-- ` is
    /// never taken for a header.
    static func withGitHeaders(_ patch: String) -> String {
        let lines = patch.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var output: [String] = []
        var inGitHeader = false
        var oldLeft = 0
        var newLeft = 0
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if oldLeft > 0 || newLeft > 0 {
                if line.hasPrefix("-") {
                    oldLeft -= 1
                } else if line.hasPrefix("+") {
                    newLeft -= 1
                } else if line.hasPrefix(" ") || line.isEmpty {
                    oldLeft -= 1
                    newLeft -= 1
                }
                output.append(line)
                index += 1
                continue
            }
            if line.hasPrefix("diff --git ") {
                inGitHeader = true
            } else if line.hasPrefix("@@ ") {
                inGitHeader = false
                (oldLeft, newLeft) = hunkCounts(line)
            } else if line.hasPrefix("--- "), !inGitHeader, index + 1 < lines.count, lines[index + 1].hasPrefix("+++ ")
            {
                let old = headerPath(line)
                let new = headerPath(lines[index + 1])
                let name = new ?? old ?? ""
                output.append("diff --git a/\(old ?? name) b/\(name)")
                if old == nil { output.append("new file mode 100644") }
                if new == nil { output.append("deleted file mode 100644") }
            } else if line.hasPrefix("+++ ") {
                inGitHeader = false
            }
            output.append(line)
            index += 1
        }
        return output.joined(separator: "\n")
    }

    /// `@@ -a,b +c,d @@` → (b, d); a missing count is 1.
    private static func hunkCounts(_ line: String) -> (Int, Int) {
        let parts = line.split(separator: " ")
        guard parts.count >= 3 else { return (0, 0) }
        func count(_ range: Substring) -> Int {
            let pieces = range.dropFirst().split(separator: ",")
            return pieces.count > 1 ? Int(pieces[1]) ?? 0 : 1
        }
        return (count(parts[1]), count(parts[2]))
    }

    /// The path of a `--- a/X` or `+++ b/X` line without its prefix; `nil` for `/dev/null`.
    private static func headerPath(_ line: String) -> String? {
        var path = String(line.dropFirst(4))
        if let tab = path.firstIndex(of: "\t") { path = String(path[..<tab]) }
        path = path.trimmingCharacters(in: .whitespaces)
        if path == "/dev/null" { return nil }
        if path.hasPrefix("a/") || path.hasPrefix("b/") { path = String(path.dropFirst(2)) }
        return path
    }

    /// Whether `text` has a `---`/`+++` header pair or a `diff --git` line, and a hunk.
    static func looksLikeDiff(_ text: String) -> Bool {
        let lines = text.split(separator: "\n")
        let headers =
            lines.contains { $0.hasPrefix("diff --git ") }
            || (lines.contains { $0.hasPrefix("--- ") } && lines.contains { $0.hasPrefix("+++ ") })
        return headers
            && lines.contains {
                $0.hasPrefix("@@ ") || $0.hasPrefix("rename from ") || $0.hasPrefix("new file mode")
                    || $0.hasPrefix("deleted file mode")
            }
    }

    /// Whether `text`, leading blank lines aside, starts with a diff header and is a diff.
    static func startsLikeDiff(_ text: String) -> Bool {
        let first = text.split(separator: "\n").first ?? ""
        return (first.hasPrefix("diff --git ") || first.hasPrefix("--- ")) && looksLikeDiff(text)
    }
}
