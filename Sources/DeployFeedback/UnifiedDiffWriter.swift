/// Writes git-style unified diffs (what ``UnifiedDiff`` and libgit2 read) from old and new file contents.
enum UnifiedDiffWriter {
    /// One file's change; `nil` content means the file does not exist on that side.
    struct Change {
        var path: String
        var old: [UInt8]?
        var new: [UInt8]?
        /// The mode for a new file (`100644` or `100755`).
        var newMode: String = "100644"
    }

    /// A unified diff of `changes` with `context` lines around each change; unchanged files are left out.
    static func diff(_ changes: [Change], context: Int = 3) -> String {
        var output: [UInt8] = []
        for change in changes where change.old != change.new {
            output += Array(
                "diff --git \(quotedIfNeeded("a/" + change.path)) \(quotedIfNeeded("b/" + change.path))\n".utf8)
            if change.old == nil { output += Array("new file mode \(change.newMode)\n".utf8) }
            if change.new == nil { output += Array("deleted file mode 100644\n".utf8) }
            output += Array("--- \(change.old == nil ? "/dev/null" : quotedIfNeeded("a/" + change.path))\n".utf8)
            output += Array("+++ \(change.new == nil ? "/dev/null" : quotedIfNeeded("b/" + change.path))\n".utf8)
            output += hunks(
                old: ThreeWayMerge.lines(change.old ?? []), new: ThreeWayMerge.lines(change.new ?? []), context: context
            )
        }
        return String(decoding: output, as: UTF8.self)
    }

    private enum Edit { case keep(Int, Int), remove(Int), insert(Int) }

    private static func hunks(old: [[UInt8]], new: [[UInt8]], context: Int) -> [UInt8] {
        // Walk both files in order, producing keep/remove/insert edits from the matched lines.
        let kept = ThreeWayMerge.matches(old, new)
        var edits: [Edit] = []
        var j = 0
        for i in old.indices {
            if let match = kept[i] {
                while j < match {
                    edits.append(.insert(j))
                    j += 1
                }
                edits.append(.keep(i, match))
                j = match + 1
            } else {
                edits.append(.remove(i))
            }
        }
        while j < new.count {
            edits.append(.insert(j))
            j += 1
        }

        var output: [UInt8] = []
        var index = 0
        while index < edits.count {
            guard let firstChange = edits[index...].firstIndex(where: { if case .keep = $0 { false } else { true } })
            else { break }
            let start = max(index, firstChange - context)
            // Extend the hunk while the next change is within 2 × context kept lines.
            var end = firstChange
            var keptRun = 0
            var cursor = firstChange
            while cursor < edits.count {
                if case .keep = edits[cursor] {
                    keptRun += 1
                    if keptRun > 2 * context { break }
                } else {
                    keptRun = 0
                    end = cursor
                }
                cursor += 1
            }
            let stop = min(edits.count, end + 1 + context)
            let slice = edits[start..<stop]
            var oldCount = 0
            var newCount = 0
            var body: [UInt8] = []
            for edit in slice {
                switch edit {
                case .keep(let i, _):
                    body += line(" ", old[i])
                    oldCount += 1
                    newCount += 1
                case .remove(let i):
                    body += line("-", old[i])
                    oldCount += 1
                case .insert(let k):
                    body += line("+", new[k])
                    newCount += 1
                }
            }
            // Line numbers are 1-based; an empty side is numbered by the line before it.
            let oldFirst = slice.compactMap { edit -> Int? in
                switch edit {
                case .keep(let i, _), .remove(let i): i
                case .insert: nil
                }
            }.first
            let newFirst = slice.compactMap { edit -> Int? in
                switch edit {
                case .keep(_, let k), .insert(let k): k
                case .remove: nil
                }
            }.first
            let oldStart = oldFirst.map { $0 + 1 } ?? precedingLine(edits, before: start, old: true)
            let newStart = newFirst.map { $0 + 1 } ?? precedingLine(edits, before: start, old: false)
            output += Array("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n".utf8)
            output += body
            index = stop
        }
        return output
    }

    /// The 1-based number of the last line of one side before edit `index` (0 when there is none).
    private static func precedingLine(_ edits: [Edit], before index: Int, old: Bool) -> Int {
        for edit in edits[..<index].reversed() {
            switch edit {
            case .keep(let i, let k): return (old ? i : k) + 1
            case .remove(let i) where old: return i + 1
            case .insert(let k) where !old: return k + 1
            default: continue
            }
        }
        return 0
    }

    private static func line(_ marker: String, _ content: [UInt8]) -> [UInt8] {
        var result = Array(marker.utf8) + content
        if content.last != UInt8(ascii: "\n") { result += Array("\n\\ No newline at end of file\n".utf8) }
        return result
    }

    /// Git's C-style quoting for paths with special characters.
    static func quotedIfNeeded(_ path: String) -> String {
        let bytes = Array(path.utf8)
        let needs = bytes.contains {
            $0 < 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 >= 0x80
        }
        guard needs else { return path }
        var result = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): result += "\\\""
            case UInt8(ascii: "\\"): result += "\\\\"
            case 0x0A: result += "\\n"
            case 0x09: result += "\\t"
            case 0x20..<0x7f: result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let octal = String(byte, radix: 8)
                result += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return result + "\""
    }
}
