extension UnifiedDiff {
    /// `patch` with `prefix/` put in front of every path in its file headers (`diff --git`, `---`/`+++`,
    /// `rename`/`copy from|to`), like `git apply --directory=PREFIX`: a patch written relative to a vendored folder
    /// becomes a patch of the repository that holds the folder. Hunks are copied unchanged.
    ///
    /// - Throws: ``FeedbackError/Code/malformedPatch`` when a header cannot be read.
    public static func prefixingPaths(_ patch: String, with prefix: String) throws(FeedbackError) -> String {
        let folder = prefix.split(separator: "/").joined(separator: "/")
        guard !folder.isEmpty else { return patch }
        func inFolder(_ path: String) -> String { folder + "/" + path }
        var output: [String] = []
        var hunk = HunkLines()
        var lineNumber = 0
        let lines = Self.lines(of: patch)
        let endsWithNewline = patch.utf8.last == UInt8(ascii: "\n")
        for rawLine in lines {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if hunk.isOpen {
                try hunk.take(line, lineNumber: lineNumber)
                output.append(String(rawLine))
                continue
            }
            if line.hasPrefix("diff --git ") {
                let (old, new) = try parseGitHeader(line.dropFirst("diff --git ".count), line: lineNumber)
                let oldName = old.map { UnifiedDiffWriter.quotedIfNeeded("a/" + inFolder($0)) } ?? "/dev/null"
                let newName = new.map { UnifiedDiffWriter.quotedIfNeeded("b/" + inFolder($0)) } ?? "/dev/null"
                output.append("diff --git \(oldName) \(newName)")
            } else if line.hasPrefix("--- ") || line.hasPrefix("+++ ") {
                let marker = line.prefix(4)
                let side = marker == "--- " ? "a/" : "b/"
                let (path, prefixed) = try parseHeaderPath(line.dropFirst(4), prefix: side, line: lineNumber)
                guard let path else {
                    output.append(String(rawLine))
                    continue
                }
                output.append(marker + UnifiedDiffWriter.quotedIfNeeded((prefixed ? side : "") + inFolder(path)))
            } else if line.hasPrefix("@@ "), let counts = parseHunkHeader(line) {
                hunk.start(old: counts.0, new: counts.1)
                output.append(String(rawLine))
            } else if let (keyword, rest) = renameOrCopy(line) {
                output.append(keyword + UnifiedDiffWriter.quotedIfNeeded(inFolder(try unquoteIfNeeded(rest, line: lineNumber))))
            } else {
                output.append(String(rawLine))
            }
        }
        return output.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }

    private static func renameOrCopy(_ line: Substring) -> (String, Substring)? {
        for keyword in ["rename from ", "rename to ", "copy from ", "copy to "] where line.hasPrefix(keyword) {
            return (keyword, line.dropFirst(keyword.count))
        }
        return nil
    }
}
