import Foundation

/// How a commit was published: pushed to the branch, proposed as a pull request, or not published.
public struct FeedbackPublication: Sendable, Hashable, Codable {
    /// How it was published.
    public var kind: Kind
    /// The remote the commit went to (URL without credentials), if any.
    public var remote: String?
    /// The ref that was updated or proposed (`refs/heads/main`, `feedback/abc`).
    public var ref: String?
    /// A link to the pull request, when one was opened.
    public var url: String?
    /// Why the commit was not published, when it was not (`the repository has no remote 'origin'`).
    public var note: String?

    public init(kind: Kind, remote: String? = nil, ref: String? = nil, url: String? = nil, note: String? = nil) {
        self.kind = kind
        self.remote = remote
        self.ref = ref
        self.url = url
        self.note = note
    }

    /// Nothing was published (no publisher configured).
    public static let none = FeedbackPublication(kind: .noPublisher)
}

/// What verification (build and tests in an isolated worktree) found.
public struct FeedbackVerification: Sendable, Hashable, Codable {
    /// What it found.
    public var outcome: Outcome
    /// The build log file, relative to the deploy root or absolute.
    public var logFile: String?
    /// The parsed build report (DeployBuild's JSON: `diagnostics`, `tests`), when a build ran.
    public var report: JSONValue?
    /// How long the build and tests took, in seconds.
    public var seconds: Double?

    public init(outcome: Outcome, logFile: String? = nil, report: JSONValue? = nil, seconds: Double? = nil) {
        self.outcome = outcome
        self.logFile = logFile
        self.report = report
        self.seconds = seconds
    }

    /// Verification was turned off.
    public static let skipped = FeedbackVerification(outcome: .skipped)
}

/// How long each stage took, in seconds, and when the file was claimed and finished.
public struct FeedbackTimings: Sendable, Hashable, Codable {
    public var claimedAt: Date
    public var finishedAt: Date?
    /// Seconds per stage that ran: `validate`, `verify`, `commit`, `publish`, `restart`.
    public var stages: [FeedbackStage: Double]

    public init(claimedAt: Date = Date(), finishedAt: Date? = nil, stages: [FeedbackStage: Double] = [:]) {
        self.claimedAt = claimedAt
        self.finishedAt = finishedAt
        self.stages = stages
    }
}

/// The result record written beside a file in `feedback/applied/` (`NAME.result.json`).
public struct FeedbackResultRecord: Sendable, Hashable, Codable {
    /// The feedback file's name when it was dropped.
    public var file: String
    public var id: String
    public var repository: String
    public var branch: String
    /// The new commit on ``branch``.
    public var commit: String
    /// The branch tip the commit was made on.
    public var parent: String
    /// The commit the patch was written against, if the file said.
    public var base: String?
    /// Whether the patch needed a three-way apply because the branch had moved past ``base``.
    public var threeWay: Bool
    /// The paths committed.
    public var paths: [String]
    public var verification: FeedbackVerification
    public var publication: FeedbackPublication
    /// The restart command's outcome; `nil` when no restart was asked for or none is configured.
    public var restart: RestartOutcome?
    /// After a push: whether the checkout's branch was fast-forwarded to the pushed commit, or why not.
    public var checkout: String?
    public var timings: FeedbackTimings
    public var description: String
    public var metadata: [String: JSONValue]
    /// Fields of the file this build did not know, kept as they were.
    public var unknownFields: [String: JSONValue]
    /// ``FeedbackKind/restartRequest`` for a file without `patch`, which only ran the restart command (then
    /// ``commit`` and ``parent`` are the branch tip that was restarted, ``paths`` is empty and nothing was
    /// published); nil (or `patch`) for a patch.
    public var kind: FeedbackKind?
}

/// The reason record written beside a file in `feedback/rejected/` (`NAME.reason.json`): what failed, where, and
/// the structured facts (diagnostics, failing tests) an agent needs for its next try.
public struct FeedbackRejection: Sendable, Hashable, Codable {
    /// The feedback file's name when it was dropped.
    public var file: String
    /// The feedback id, when the file could be read far enough to know it.
    public var id: String?
    public var repository: String?
    /// The stage that failed: `read`, `validate`, `policy`, `apply`, `verify`, `publish`, `recover` or `propose` (a
    /// failure at another stage is an environment failure, which defers the file rather than rejects it).
    public var stage: FeedbackStage
    /// The error code (`path-traversal`, `verification-failed`, …); see `docs/feedback-format.md`.
    public var code: FeedbackError.Code
    public var message: String
    /// The feedback field concerned, if any.
    public var field: String?
    /// The paths concerned (escaping, denied or conflicting paths).
    public var paths: [String]
    /// The last lines of the relevant log (build output, restart output), if any.
    public var logExcerpt: String?
    /// The verification that failed, with the parsed build report (`diagnostics`, `tests.failures`).
    public var verification: FeedbackVerification?
    public var timings: FeedbackTimings
    public var metadata: [String: JSONValue]
    public var unknownFields: [String: JSONValue]

    public init(
        file: String, id: String? = nil, repository: String? = nil, stage: FeedbackStage, error: FeedbackError,
        logExcerpt: String? = nil, verification: FeedbackVerification? = nil, timings: FeedbackTimings,
        metadata: [String: JSONValue] = [:], unknownFields: [String: JSONValue] = [:]
    ) {
        self.file = file
        self.id = id
        self.repository = repository
        self.stage = stage
        self.code = error.code
        self.message = error.message
        self.field = error.field
        self.paths = error.paths
        self.logExcerpt = logExcerpt
        self.verification = verification
        self.timings = timings
        self.metadata = metadata
        self.unknownFields = unknownFields
    }
}
