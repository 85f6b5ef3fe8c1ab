import Foundation

/// One attempt at a proposed fix for a red commit, as the state store keeps it.
public struct ProposalAttemptRecord: Sendable, Codable, Hashable {
    /// What became of an attempt.
    public enum Outcome: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// The feedback file was written and waits for (or is in) verification.
        case proposed
        /// Verified and published.
        case applied
        /// Rejected: the answer held no usable diff, or the normal feedback path rejected the file.
        case rejected
        /// The feedback path hit an environment failure; the file is resumed by the next run.
        case deferred
        /// The endpoint could not be used (timeout, rate limit, refused key); nothing was written.
        case failed
        /// Not an attempt: proposing for the commit was stopped before one (a token budget reached, or two attempts
        /// in a row that made no progress); ``ProposalAttemptRecord/detail`` says which.
        case stopped

        /// The raw value, so that interpolation prints the stored spelling.
        public var description: String { rawValue }
    }

    public var repository: String
    /// The red commit (full hex).
    public var commit: String
    /// 1-based.
    public var attempt: Int
    /// The attempts allowed for this commit when this one was made (`DISPATCHER_PROPOSE_ATTEMPTS`).
    public var limit: Int
    /// The feedback file's name; `nil` when nothing was written.
    public var file: String?
    public var outcome: Outcome
    /// Why it was rejected or failed; what was published when applied.
    public var detail: String
    /// The model asked.
    public var model: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        repository: String, commit: String, attempt: Int, limit: Int, file: String?, outcome: Outcome,
        detail: String, model: String, createdAt: Date = Date(), updatedAt: Date = Date()
    ) {
        self.repository = repository
        self.commit = commit
        self.attempt = attempt
        self.limit = limit
        self.file = file
        self.outcome = outcome
        self.detail = detail
        self.model = model
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Where proposal attempts are kept (the embedded store implements it; ``StateStore`` refines it).
public protocol ProposalAttemptStore: Sendable {
    /// Inserts or replaces the attempt with the same repository, commit and attempt number.
    func saveProposalAttempt(_ attempt: ProposalAttemptRecord) throws(DispatcherError)

    /// The attempts for one commit of one repository, oldest first.
    func proposalAttempts(repository: String, commit: String) throws(DispatcherError) -> [ProposalAttemptRecord]

    /// The newest record of a build that passed in the end (``RecordedBuildResult/passedEventually``: `passed` or
    /// `flaky`) of a repository, if any.
    func lastGreenBuild(repository: String) throws(DispatcherError) -> RepositoryCycleRecord?
}
