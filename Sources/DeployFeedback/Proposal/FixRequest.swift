import DeployBuild
import Foundation

/// What a fix is asked for: a red build of one commit of one repository, and what earlier attempts got wrong.
public struct FixRequest: Sendable {
    /// The repository (its checkout folder is read for source excerpts and file contents).
    public var repository: FeedbackRepository
    /// The commit that built red (full hex).
    public var commit: String
    /// The parsed build report of that build (diagnostics, failing tests).
    public var report: BuildReport
    /// How the build ended (`failed`, `timedOut`, …).
    public var result: String
    /// Where the build log is, for the feedback file's metadata.
    public var log: String?
    /// The diff from the last green build's commit to ``commit`` (`nil` when no green build is recorded).
    public var changesSinceGreen: String?
    /// The last green build's commit, when one is recorded.
    public var greenCommit: String?
    /// The attempt number this request is for (1-based).
    public var attempt: Int
    /// Earlier attempts for the same commit that were rejected, oldest first.
    public var previous: [PreviousProposal]

    public init(
        repository: FeedbackRepository, commit: String, report: BuildReport, result: String = "failed",
        log: String? = nil, changesSinceGreen: String? = nil, greenCommit: String? = nil, attempt: Int = 1,
        previous: [PreviousProposal] = []
    ) {
        self.repository = repository
        self.commit = commit
        self.report = report
        self.result = result
        self.log = log
        self.changesSinceGreen = changesSinceGreen
        self.greenCommit = greenCommit
        self.attempt = attempt
        self.previous = previous
    }
}

/// A rejected earlier attempt, as the next prompt tells the model about it.
public struct PreviousProposal: Sendable, Hashable, Codable {
    /// The feedback file's name.
    public var file: String
    public var attempt: Int
    /// The rejection's stage (`propose`, `apply`, `verify`, …) and code.
    public var stage: String
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
        file: String, attempt: Int, stage: String, code: String, message: String, patch: String? = nil,
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
