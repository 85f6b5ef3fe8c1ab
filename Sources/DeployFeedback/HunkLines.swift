/// The lines left in the hunk being read, counted down as its lines go by: what lets a reader of unified diffs tell a
/// removed line that starts with `--` from a file header.
struct HunkLines {
    private var old = 0
    private var new = 0

    /// Whether lines of a hunk are still expected.
    var isOpen: Bool { old > 0 || new > 0 }

    /// Starts a hunk with the line counts of its `@@ -a,OLD +b,NEW @@` header.
    mutating func start(old: Int, new: Int) {
        self.old = old
        self.new = new
    }

    /// Counts `line` (without its line end) as a line of the open hunk.
    /// - Throws: ``FeedbackError/Code/malformedPatch`` for a line that is no hunk line, or one more than the header
    ///   announced.
    mutating func take(_ line: Substring, lineNumber: Int) throws(FeedbackError) {
        switch line.first {
        case " ", nil:
            old -= 1
            new -= 1
        case "-": old -= 1
        case "+": new -= 1
        case "\\": break
        default:
            throw FeedbackError(
                .malformedPatch, "corrupt hunk at line \(lineNumber): \(quoted(String(line)))", field: "patch")
        }
        if old < 0 || new < 0 {
            throw FeedbackError(.malformedPatch, "hunk longer than its header says at line \(lineNumber)", field: "patch")
        }
    }
}
