import DeployBuild
import Foundation

/// What happened to one repository in one cycle.
public struct RepositoryCycleRecord: Sendable, Codable, Hashable {
    /// How the cycle treated the repository.
    public enum Outcome: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// Built and tested (the result is in ``buildResult``).
        case built
        /// Tree, toolchain and settings unchanged since the last recorded build: nothing ran.
        case unchanged
        /// Not updated: diverged, dirty, remote down, authentication failure (see ``summary``).
        case updateFailed
        /// Not attempted this cycle because of backoff after earlier failures.
        case backingOff
        /// A newer commit arrived while it was building: the stale build was cancelled; the next cycle builds the
        /// new commit.
        case superseded

        /// The raw value, so that interpolation prints the stored spelling.
        public var description: String { rawValue }
    }

    public var repository: String
    public var branch: String?
    public var head: String?
    public var tree: String?
    public var toolchain: String?
    /// A fingerprint of the build settings; a change rebuilds.
    public var settings: String?
    public var outcome: Outcome
    /// How the build ended; nil when nothing was built.
    public var buildResult: RecordedBuildResult?
    public var startedAt: Date
    public var finishedAt: Date
    public var durationSeconds: Double
    public var errors: Int
    public var warnings: Int
    public var testsPassed: Int
    public var testsFailed: Int
    public var testsSkipped: Int
    /// `Suite.name` of each failed test.
    public var failingTests: [String]
    /// One line on what happened (update state, error, "unchanged since …").
    public var summary: String
    /// The cycle log this repository's output went to.
    public var log: String?
    /// The parsed build report as JSON (DeployBuild's report shape), when a build ran.
    public var reportJSON: String?
    /// Why the cycle log lacks part of this repository's output (a full disk, an I/O error); nil when it is whole.
    /// A build whose log is incomplete counts as an infrastructure failure in the exit status, not as a failure.
    public var logError: String?

    public init(
        repository: String, branch: String? = nil, head: String? = nil, tree: String? = nil,
        toolchain: String? = nil, settings: String? = nil, outcome: Outcome, buildResult: RecordedBuildResult? = nil,
        startedAt: Date, finishedAt: Date, errors: Int = 0, warnings: Int = 0, testsPassed: Int = 0,
        testsFailed: Int = 0, testsSkipped: Int = 0, failingTests: [String] = [], summary: String = "",
        log: String? = nil, reportJSON: String? = nil, logError: String? = nil
    ) {
        self.repository = repository
        self.branch = branch
        self.head = head
        self.tree = tree
        self.toolchain = toolchain
        self.settings = settings
        self.outcome = outcome
        self.buildResult = buildResult
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationSeconds = finishedAt.timeIntervalSince(startedAt)
        self.errors = errors
        self.warnings = warnings
        self.testsPassed = testsPassed
        self.testsFailed = testsFailed
        self.testsSkipped = testsSkipped
        self.failingTests = failingTests
        self.summary = summary
        self.log = log
        self.reportJSON = reportJSON
        self.logError = logError
    }
}

/// What happened to one feedback file in a cycle.
public struct FeedbackEventRecord: Sendable, Codable, Hashable {
    public var repository: String?
    public var file: String
    public var feedbackID: String?
    /// What became of the file.
    public var outcome: Outcome
    public var commit: String?
    public var detail: String
    /// Why the restart command failed after the file was applied (`commands/restart-api.sh exited with status 1`);
    /// nil when it succeeded or none ran. A failed restart makes the run exit with status 3.
    public var restartFailure: String?

    public init(
        repository: String?, file: String, feedbackID: String?, outcome: Outcome, commit: String?, detail: String,
        restartFailure: String? = nil
    ) {
        self.repository = repository
        self.file = file
        self.feedbackID = feedbackID
        self.outcome = outcome
        self.commit = commit
        self.detail = detail
        self.restartFailure = restartFailure
    }
}

/// A whole cycle, written to the store in one transaction.
public struct CycleRecord: Sendable, Codable, Hashable {
    public var startedAt: Date
    public var finishedAt: Date
    /// What started it.
    public var trigger: Trigger
    /// How it ended.
    public var result: Result
    public var repositories: [RepositoryCycleRecord]
    public var feedback: [FeedbackEventRecord]
    /// The cycle log file, if one was written.
    public var log: String?

    public init(
        startedAt: Date, finishedAt: Date, trigger: Trigger, result: Result,
        repositories: [RepositoryCycleRecord], feedback: [FeedbackEventRecord], log: String?
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.trigger = trigger
        self.result = result
        self.repositories = repositories
        self.feedback = feedback
        self.log = log
    }
}

/// The stored state of one repository: its last build (for skip decisions and status) and its backoff.
public struct RepositoryState: Sendable, Codable, Hashable {
    public var repository: String
    /// The most recent record of any kind (shows the latest update state).
    public var latest: RepositoryCycleRecord?
    /// The most recent record in which a build ran (what "unchanged" keeps).
    public var lastBuild: RepositoryCycleRecord?
    /// Failures in a row (update or build), reset by a success.
    public var consecutiveFailures: Int
    /// The repository is not attempted before this time.
    public var nextAttemptAt: Date?

    public init(
        repository: String, latest: RepositoryCycleRecord? = nil, lastBuild: RepositoryCycleRecord? = nil,
        consecutiveFailures: Int = 0, nextAttemptAt: Date? = nil
    ) {
        self.repository = repository
        self.latest = latest
        self.lastBuild = lastBuild
        self.consecutiveFailures = consecutiveFailures
        self.nextAttemptAt = nextAttemptAt
    }
}

/// A stored cycle with its id, for history.
public struct StoredCycle: Sendable, Codable, Hashable {
    public var id: Int64
    public var record: CycleRecord
}

/// The loop's own health, written by `deployctl loop`.
public struct DispatcherHealth: Sendable, Codable, Hashable {
    public var pid: Int32
    public var startedAt: Date
    public var heartbeatAt: Date
    public var nextCycleAt: Date?
    /// What the loop is doing.
    public var phase: Phase

    public init(pid: Int32, startedAt: Date, heartbeatAt: Date, nextCycleAt: Date?, phase: Phase) {
        self.pid = pid
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.nextCycleAt = nextCycleAt
        self.phase = phase
    }
}
