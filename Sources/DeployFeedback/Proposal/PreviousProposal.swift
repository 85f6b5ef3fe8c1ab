import DeployBuild
import Foundation

/// A rejected earlier attempt, as the next prompt tells the model about it.
public struct PreviousProposal: Sendable, Hashable, Codable {
    /// The feedback file's name.
    public var file: String
    public var attempt: Int
    /// The rejection's stage (`propose`, `apply`, `verify`, …) and code.
    public var stage: FeedbackStage
    public var code: String
    public var message: String
    /// The diff that was tried, when there was one.
    public var patch: String?
    /// Errors of the verification build, as `file:line: message`.
    public var errors: [String]
    /// Failing tests of the verification build, as `Suite.name: message`.
    public var failingTests: [String]
    /// The last lines of the failed step's output.
    public var logExcerpt: String?

    public init(
        file: String, attempt: Int, stage: FeedbackStage, code: String, message: String, patch: String? = nil,
        errors: [String] = [], failingTests: [String] = [], logExcerpt: String? = nil
    ) {
        self.file = file
        self.attempt = attempt
        self.stage = stage
        self.code = code
        self.message = message
        self.patch = patch
        self.errors = errors
        self.failingTests = failingTests
        self.logExcerpt = logExcerpt
    }

    /// Reads the rejection record `feedback/rejected/STEM.reason.json` of a proposal file and its feedback file.
    ///
    /// - Returns: `nil` when no record names `file` (not rejected, or removed).
    public static func load(file: String, attempt: Int, inbox: FeedbackInbox) -> PreviousProposal? {
        let folder = inbox.rejectedDirectory
        let stem = FeedbackInbox.stem(file)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix(stem) && $0.hasSuffix(FeedbackInbox.reasonSuffix) }.sorted()
        for name in names.reversed() {
            guard
                let record = try? FeedbackJSON.read(
                    FeedbackRejection.self, from: folder.appendingPathComponent(name)),
                record.file == file
            else { continue }
            let documentName = String(name.dropLast(FeedbackInbox.reasonSuffix.count)) + ".json"
            let patch = (try? Data(contentsOf: folder.appendingPathComponent(documentName)))
                .flatMap { try? FeedbackDocument.parse($0) }?.patch
            var errors: [String] = []
            var failing: [String] = []
            if let report = record.verification?.report,
                let data = try? JSONEncoder().encode(report),
                let parsed = try? JSONDecoder().decode(BuildReport.self, from: data)
            {
                errors = parsed.diagnostics.filter { $0.severity == .error }.map {
                    "\($0.file.map(packagePath) ?? "?"):\($0.line ?? 0): \($0.message)"
                }
                failing = parsed.tests.failures.map {
                    [$0.suite, $0.name].compactMap { $0 }.joined(separator: ".") + ": \($0.message)"
                }
            }
            return PreviousProposal(
                file: file, attempt: attempt, stage: record.stage, code: record.code.rawValue,
                message: record.message, patch: patch, errors: errors, failingTests: failing,
                logExcerpt: record.logExcerpt)
        }
        return nil
    }
}

/// A path printed by a build in a throwaway worktree, shortened to its package-relative tail (`…/Sources/X/Y.swift`
/// → `Sources/X/Y.swift`) so that the next prompt names the file as the repository does.
func packagePath(_ printed: String) -> String {
    for marker in ["/Sources/", "/Tests/", "/Plugins/"] {
        if let range = printed.range(of: marker, options: .backwards) {
            return String(printed[printed.index(after: range.lowerBound)...])
        }
    }
    return printed
}
