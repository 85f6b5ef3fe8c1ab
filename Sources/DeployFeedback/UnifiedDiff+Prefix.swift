extension UnifiedDiff {
    /// `patch` with `prefix/` put in front of every path it names, like `git apply --directory=PREFIX`: a patch
    /// written relative to a vendored folder becomes a patch of the repository that holds the folder.
    ///
    /// Each file's headers are read as ``summarize(_:)`` reads them and written again in one spelling
    /// (`diff --git a/PREFIX/OLD b/PREFIX/NEW`, `---`/`+++` with `a/`/`b/`, `rename`/`copy` lines with whole paths,
    /// `Binary files … differ`); mode, index and similarity lines and the hunks are copied unchanged. What git reads
    /// from the result is checked again by the caller (``PatchReader/read(_:inFolder:)``).
    ///
    /// - Throws: ``FeedbackError/Code/malformedPatch`` when a header cannot be read.
    public static func prefixingPaths(_ patch: String, with prefix: String) throws(FeedbackError) -> String {
        let folder = prefix.split(separator: "/").joined(separator: "/")
        guard !folder.isEmpty else { return patch }
        var output: [String] = []
        var header: [Substring] = []
        var hunk = HunkLines()
        var lineNumber = 0
        let endsWithNewline = patch.utf8.last == UInt8(ascii: "\n")

        func flushHeader() throws(FeedbackError) {
            guard !header.isEmpty else { return }
            output += try rewrittenHeader(header, folder: folder)
            header = []
        }

        for rawLine in Self.lines(of: patch) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if hunk.isOpen {
                try hunk.take(line, lineNumber: lineNumber)
                output.append(String(rawLine))
                continue
            }
            if line.hasPrefix("diff --git ") {
                try flushHeader()
                header = [rawLine]
            } else if line.hasPrefix("@@ "), let counts = parseHunkHeader(line) {
                try flushHeader()
                hunk.start(old: counts.0, new: counts.1)
                output.append(String(rawLine))
            } else if !header.isEmpty, line != "GIT binary patch" {
                header.append(rawLine)
            } else {
                try flushHeader()
                output.append(String(rawLine))
            }
        }
        try flushHeader()
        return output.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }

    /// One file's header lines (from `diff --git` to its first hunk or binary data), written again with `folder/` in
    /// front of both paths.
    private static func rewrittenHeader(_ lines: [Substring], folder: String) throws(FeedbackError) -> [String] {
        let file = try summarize(lines.joined(separator: "\n") + "\n").files[0]
        let old = (file.oldPath ?? file.newPath).map { folder + "/" + $0 } ?? folder
        let new = (file.newPath ?? file.oldPath).map { folder + "/" + $0 } ?? folder
        let oldSide = file.oldPath == nil ? "/dev/null" : headerQuoted("a/" + old)
        let newSide = file.newPath == nil ? "/dev/null" : headerQuoted("b/" + new)
        var output = [
            "diff --git \(headerQuoted("a/" + old)) \(headerQuoted("b/" + new))"
        ]
        for rawLine in lines.dropFirst() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let ending = rawLine.hasSuffix("\r") ? "\r" : ""
            if line.hasPrefix("--- ") {
                output.append("--- \(oldSide)" + ending)
            } else if line.hasPrefix("+++ ") {
                output.append("+++ \(newSide)" + ending)
            } else if let keyword = ["rename from ", "rename old ", "copy from "].first(where: line.hasPrefix) {
                output.append(keyword + headerQuoted(old) + ending)
            } else if let keyword = ["rename to ", "rename new ", "copy to "].first(where: line.hasPrefix) {
                output.append(keyword + headerQuoted(new) + ending)
            } else if line.hasPrefix("Binary files "), line.hasSuffix(" differ") {
                output.append("Binary files \(oldSide) and \(newSide) differ" + ending)
            } else {
                output.append(String(rawLine))
            }
        }
        return output
    }

    /// `path` C-quoted when git would quote it, and also when it holds a blank, so that the `diff --git` line splits
    /// in one way only.
    private static func headerQuoted(_ path: String) -> String {
        let plain = UnifiedDiffWriter.quotedIfNeeded(path)
        guard plain == path, path.contains(where: isBlank) else { return plain }
        return "\"" + path + "\""
    }
}
