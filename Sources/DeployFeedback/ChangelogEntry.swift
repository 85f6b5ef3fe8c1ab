import Foundation

/// One line of `CHANGELOG.md` for an applied feedback, and where it goes in the file.
///
/// The entry is `- YYYY-MM-DD: <first line of the description> (feedback `<id>`)`, newest first: right under a
/// `## [Unreleased]` heading when the file has one (Keep a Changelog), else under the file's first `# ` title, else at
/// the top. A missing file is created with a `# Changelog` title.
public struct ChangelogEntry: Sendable, Hashable {
    /// The entry's text (one line, without the newline).
    public var line: String

    /// - Parameters:
    ///   - date: when the feedback was applied (written as a UTC date).
    ///   - summary: the feedback's description (only its first non-empty line is used; at most 200 characters).
    ///   - feedbackID: the feedback id, as in the commit's `Feedback-Id:` trailer.
    public init(date: Date, summary: String, feedbackID: String) {
        var formatter = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        formatter = formatter.year().month().day()
        let first = summary.split(whereSeparator: \.isNewline).lazy
            .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? "Feedback"
        let text = first.count > 200 ? String(first.prefix(199)) + "…" : first
        line = "- \(date.formatted(formatter)): \(text) (feedback `\(feedbackID)`)"
    }

    /// `content` (the file's bytes, nil when it does not exist) with the entry inserted.
    public func inserted(into content: [UInt8]?) -> [UInt8] {
        guard let content, !content.isEmpty else { return Array("# Changelog\n\n\(line)\n".utf8) }
        var lines = String(decoding: content, as: UTF8.self).components(separatedBy: "\n")
        let headings = lines.indices.filter { lines[$0].hasPrefix("#") }
        let unreleased = headings.first {
            lines[$0].hasPrefix("## ") && lines[$0].lowercased().contains("unreleased")
        }
        guard let heading = unreleased ?? headings.first(where: { lines[$0].hasPrefix("# ") }) else {
            return Array("\(line)\n\n".utf8) + content
        }
        var index = heading + 1
        while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
        let followedByList = index < lines.count && lines[index].hasPrefix("- ")
        var inserted = [line]
        if !followedByList && index < lines.count { inserted.append("") }
        if index == heading + 1 { inserted.insert("", at: 0) }
        lines.insert(contentsOf: inserted, at: index)
        if lines.last != "" { lines.append("") }
        return Array(lines.joined(separator: "\n").utf8)
    }
}
