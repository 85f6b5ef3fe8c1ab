import DeployBuild
import Foundation

/// The messages sent to ask for a fix, assembled from a ``FixRequest`` within a size budget, and the files the answer
/// may touch.
///
/// The user message holds, in this order (what does not fit is cut, and named in a last line): a failed rollout's
/// evidence (for a revision that built green but failed its deployment's health gate), the distinct errors
/// with the source lines around each location, the failing tests with their messages and locations, the earlier
/// attempts' rejections, the full text of the files involved, and the commit's diff since the last green build.
/// The files involved are those the errors and failing tests point at, the sources of the module a failing test
/// tests (`Tests/XTests/…` → `Sources/X/`), and the files the commit changed since the last green build.
public struct FixPrompt: Sendable, Hashable {
    public var messages: [ChatMessage]
    /// The repository-relative paths the answer's diff may touch, sorted.
    public var files: [String]
    /// The UTF-8 size of every message's content together (never more than the budget).
    public var bytes: Int
    /// The sections cut or left out to stay within the budget.
    public var omitted: [String]

    /// Lines shown before and after each error or failure location.
    public static let excerptRadius = 4
    /// The largest file whose full text is included.
    public static let maxFileBytes = 64 * 1024
    /// At most this many source files of a tested module are included.
    public static let maxModuleFiles = 12

    /// The instructions (the system message).
    public static let instructions = """
        You fix Swift packages whose build or tests fail, or whose new revision failed its deployment's health \
        check. You get the errors, the failing tests, the source around each location (or the failed rollout's \
        evidence and the changes since the last healthy release) and the files involved. Answer with one unified \
        diff in a fenced ```diff block, with \
        `--- a/PATH` and `+++ b/PATH` headers relative to the repository root and correct hunk headers, touching \
        only the files listed as involved. Fix the code under test; do not weaken or delete tests. Keep the change \
        as small as possible. If earlier attempts were rejected, their reasons are given: do not repeat them.
        """

    /// The most of a rollout's evidence included.
    public static let maxRolloutEvidenceBytes = 16 * 1024

    /// Assembles the prompt.
    /// - Parameters:
    ///   - request: the red build and earlier attempts.
    ///   - budget: the largest total size of the messages' contents, in UTF-8 bytes (at least 2,048).
    public static func make(for request: FixRequest, budget: Int) -> FixPrompt {
        let budget = max(2048, budget)
        let directory = request.repository.directory
        let locator = PathLocator(repository: directory)
        var files = Set<String>()

        // Errors (distinct by location and message), then failing tests.
        var errorPieces: [Piece] = []
        var seen = Set<String>()
        let errors = request.report.diagnostics.filter { $0.severity == .error }
        for diagnostic in errors {
            let path = diagnostic.file.flatMap(locator.relative)
            let key = "\(path ?? diagnostic.file ?? "")|\(diagnostic.line ?? 0)|\(diagnostic.message)"
            guard seen.insert(key).inserted else { continue }
            if let path { files.insert(path) }
            var text = "- \(path ?? diagnostic.file ?? "(no file)")"
            if let line = diagnostic.line { text += ":\(line)" }
            if let column = diagnostic.column { text += ":\(column)" }
            text += ": error: \(diagnostic.message)\n"
            for note in diagnostic.notes.prefix(3) { text += "  note: \(note.message)\n" }
            if let path, let line = diagnostic.line, let excerpt = locator.excerpt(path, around: line) {
                text += excerpt
            }
            errorPieces.append(Piece(name: "error at \(path ?? "?")", text: text))
        }
        var testPieces: [Piece] = []
        for failure in request.report.tests.failures {
            let name = [failure.suite, failure.name].compactMap { $0 }.joined(separator: ".")
            let path = failure.file.flatMap(locator.relative)
            if let path {
                files.insert(path)
                for source in locator.testedModuleSources(of: path) { files.insert(source) }
            }
            var text = "- \(name) (\(failure.framework))"
            if let path { text += " at \(path)\(failure.line.map { ":\($0)" } ?? "")" }
            text += ": \(failure.message)\n"
            if let path, let line = failure.line, let excerpt = locator.excerpt(path, around: line) {
                text += excerpt
            }
            testPieces.append(Piece(name: "failing test \(name)", text: text))
        }
        if let crashed = request.report.tests.crashed {
            let name = crashed.name == nil && crashed.candidates.isEmpty ? "(unknown)" : crashed.displayName
            testPieces.append(
                Piece(
                    name: "crash",
                    text: "- the test process crashed in \(name)"
                        + (crashed.message.map { ": \($0)" } ?? "") + "\n"))
        }
        let changed = request.changesSinceGreen.map(Self.changedPaths) ?? []
        for path in changed where locator.isFile(path) { files.insert(path) }

        // Earlier attempts.
        var previousPieces: [Piece] = []
        for previous in request.previous {
            var text =
                "Attempt \(previous.attempt) (\(previous.file)) was rejected at stage \(previous.stage.rawValue) "
            text += "(\(previous.code)): \(previous.message)\n"
            for error in previous.errors.prefix(10) { text += "  error: \(locator.relativeInText(error))\n" }
            for failing in previous.failingTests.prefix(10) { text += "  failing test: \(failing)\n" }
            if let excerpt = previous.logExcerpt, !excerpt.isEmpty, previous.errors.isEmpty {
                text += "  last output lines:\n" + indent(String(excerpt.suffix(1500))) + "\n"
            }
            if let patch = previous.patch, !patch.isEmpty {
                text += "  the rejected diff was:\n```diff\n\(patch.hasSuffix("\n") ? patch : patch + "\n")```\n"
            }
            previousPieces.append(Piece(name: "attempt \(previous.attempt)", text: text))
        }

        // Files.
        let sorted = files.sorted()
        var filePieces: [Piece] = []
        for path in sorted {
            guard let contents = locator.contents(path, limit: maxFileBytes) else { continue }
            filePieces.append(
                Piece(
                    name: "file \(path)",
                    text: "--- \(path)\n```swift\n\(contents.hasSuffix("\n") ? contents : contents + "\n")```\n"))
        }
        var changePieces: [Piece] = []
        if let changes = request.changesSinceGreen, !changes.isEmpty {
            changePieces.append(
                Piece(
                    name: "changes since the last green build",
                    text: "```diff\n\(changes.hasSuffix("\n") ? changes : changes + "\n")```\n"))
        }

        var rolloutPieces: [Piece] = []
        if let evidence = request.rolloutEvidence, !evidence.isEmpty {
            let text = truncated(evidence, to: maxRolloutEvidenceBytes)
            rolloutPieces.append(Piece(name: "the failed rollout", text: text.hasSuffix("\n") ? text : text + "\n"))
        }

        // Header and assembly within the budget.
        let short = String(request.commit.prefix(12))
        var header = "Repository \(request.repository.name), branch \(request.repository.branch), commit \(short): "
        if request.rolloutEvidence != nil {
            header += "the build and tests \(request.result.rawValue), but the deployment of this revision failed its "
            header += "health check and was rolled back. This is attempt \(request.attempt).\n"
        } else {
            header += "the build and tests \(request.result.rawValue) (\(request.report.errorCount) errors, "
            header += "\(request.report.tests.failed) failing tests). This is attempt \(request.attempt).\n"
        }
        header += "Files involved (the diff may touch only these): "
        header += sorted.isEmpty ? "(none found)" : sorted.joined(separator: ", ")
        header += "\n"
        let sections: [(String, [Piece])] = [
            ("## The failed rollout\n", rolloutPieces),
            ("## Errors\n", errorPieces), ("## Failing tests\n", testPieces),
            ("## Earlier attempts (rejected)\n", previousPieces), ("## Files involved\n", filePieces),
            (
                (request.rolloutEvidence == nil
                    ? "## Changes since the last green build" : "## Changes since the last healthy release")
                    + (request.greenCommit.map { " (\($0.prefix(12)))" } ?? "") + "\n", changePieces
            ),
        ]
        let system = instructions
        let footerReserve = 400
        var remaining = budget - system.utf8.count - header.utf8.count - footerReserve
        var body = header
        var omitted: [String] = []
        for (title, pieces) in sections where !pieces.isEmpty {
            guard remaining > title.utf8.count + 64 else {
                omitted += pieces.map(\.name)
                continue
            }
            var sectionText = "\n" + title
            remaining -= sectionText.utf8.count
            for piece in pieces {
                let size = piece.text.utf8.count
                if size <= remaining {
                    sectionText += piece.text
                    remaining -= size
                } else if remaining > 256 {
                    let marker = "\n[… cut to fit the size budget]\n"
                    let cut = truncated(piece.text, to: remaining - marker.utf8.count - 8)
                    sectionText += cut + marker
                    remaining -= cut.utf8.count + marker.utf8.count
                    omitted.append(piece.name + " (cut)")
                } else {
                    omitted.append(piece.name)
                }
            }
            body += sectionText
        }
        if !omitted.isEmpty {
            var footer = "\n(Left out to fit the size budget: " + omitted.joined(separator: ", ") + ")\n"
            if footer.utf8.count > footerReserve { footer = truncated(footer, to: footerReserve - 8) + "…)\n" }
            body += footer
        }
        // Whatever happened above (a very long list of files), the budget holds.
        body = truncated(body, to: budget - system.utf8.count)
        let messages: [ChatMessage] = [.system(system), .user(body)]
        return FixPrompt(
            messages: messages, files: sorted, bytes: messages.reduce(0) { $0 + $1.content.utf8.count },
            omitted: omitted)
    }

    /// This prompt with every secret `redactor` knows (and every token-shaped word) replaced in every message; the
    /// size is counted again.
    public func redacting(_ redactor: SecretRedactor) -> FixPrompt {
        var copy = self
        copy.messages = messages.map { message in
            var redacted = message
            redacted.content = message.content.split(separator: "\n", omittingEmptySubsequences: false)
                .map { redactor.redact(String($0)) }.joined(separator: "\n")
            return redacted
        }
        copy.bytes = copy.messages.reduce(0) { $0 + $1.content.utf8.count }
        return copy
    }

    /// The new-side paths of a unified diff's file headers (`+++ b/PATH`), ignoring `/dev/null`.
    static func changedPaths(_ diff: String) -> [String] {
        diff.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line -> String? in
            guard line.hasPrefix("+++ ") else { return nil }
            var path = String(line.dropFirst(4))
            if let tab = path.firstIndex(of: "\t") { path = String(path[..<tab]) }
            guard path != "/dev/null" else { return nil }
            return path.hasPrefix("b/") ? String(path.dropFirst(2)) : path
        }
    }

    private struct Piece {
        var name: String
        var text: String
    }

    /// The longest prefix of whole lines of `text` within `limit` UTF-8 bytes.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var size = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let lineSize = line.utf8.count + 1
            if size + lineSize > limit { break }
            result += line + "\n"
            size += lineSize
        }
        if result.isEmpty {
            result = String(decoding: Array(text.utf8.prefix(max(0, limit))), as: UTF8.self)
            while result.utf8.count > limit { result.removeLast() }
        }
        return result
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
