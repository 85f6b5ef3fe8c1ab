import DeployBuild
import Foundation

extension AgentTools {
    /// The lines `read_log` gives when no `tail` is asked for.
    public static let defaultLogLines = 200
    /// The most lines one `read_log` gives.
    public static let maximumLogLines = 2_000
    /// The most bytes one `read_log` gives; a line is cut after 2,000 characters.
    public static let maximumLogBytes = 256 << 10

    /// Bounded text from a repository's latest build log.
    public struct LogExcerpt: Sendable, Hashable, Codable {
        public var repository: String
        /// The log, relative to the root.
        public var log: String
        /// The lines, oldest first: the last `tail` lines (containing `grep`, when given), terminal colours and
        /// carriage-return redraws removed, secrets redacted.
        public var lines: [String]
        /// Lines of the log read.
        public var linesRead: Int
        /// Whether more lines matched than were given (or the byte limit cut them).
        public var truncated: Bool
    }

    /// The last `tail` lines of `name`'s latest build log, only those containing `grep` when given (plain text,
    /// case-sensitive: no pattern language to starve the server with).
    /// - Throws: ``AgentToolError`` for an unknown repository, a `tail` outside 1…``maximumLogLines``, or no log.
    public func readLog(repository name: String, tail: Int?, grep: String?) throws(AgentToolError) -> LogExcerpt {
        _ = try repository(name)
        let wanted = tail ?? Self.defaultLogLines
        guard (1...Self.maximumLogLines).contains(wanted) else {
            throw AgentToolError("tail must be between 1 and \(Self.maximumLogLines), found \(wanted)")
        }
        if let grep, grep.isEmpty || grep.utf8.count > 1_000 {
            throw AgentToolError("grep must be 1–1000 bytes of text, found \(grep.utf8.count) bytes")
        }
        let url = try logFile(of: try lastBuild(of: name), repository: name)
        // A window of the last `wanted` matching lines; what falls out of it is dropped now and then, so memory
        // stays bounded by about twice `wanted` lines whatever the log's size.
        var kept: [String] = []
        var start = 0
        var matched = 0
        var read = 0
        do {
            try BuildLogLines.forEach(inFileAt: url) { line in
                read += 1
                if let grep, !line.contains(grep) { return }
                matched += 1
                if kept.count - start == wanted { start += 1 }
                kept.append(line.utf8.count > 2_000 ? String(line.prefix(2_000)) + "…" : line)
                if start > wanted {
                    kept.removeFirst(start)
                    start = 0
                }
            }
        } catch {
            throw AgentToolError("the log \(relativeToRoot(url)) cannot be read: \(error)")
        }
        var lines: [String] = []
        var bytes = 0
        var cut = false
        // The newest lines are the ones kept when the byte limit cuts.
        for line in kept[start...].reversed() {
            let shown = text(line)
            bytes += shown.utf8.count + 1
            if bytes > Self.maximumLogBytes {
                cut = true
                break
            }
            lines.append(shown)
        }
        lines.reverse()
        return LogExcerpt(
            repository: name, log: relativeToRoot(url), lines: lines, linesRead: read,
            truncated: cut || matched > lines.count)
    }
}
