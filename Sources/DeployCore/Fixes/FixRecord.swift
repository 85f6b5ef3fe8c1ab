import Foundation

/// One entry of the fix ledger: a feedback document or a proposed fix, where it came from, what it cost and what
/// became of it. Keyed by its feedback file's name; kept in the state store (`fix` table), written in one
/// transaction each, so a killed dispatcher loses at most the attempt it was making.
public struct FixRecord: Sendable, Codable, Hashable {
    /// Where a fix came from.
    public enum Source: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// A file dropped into `feedback/` by a person or an agent.
        case file
        /// `POST /api/v1/feedback` (`api-ID.json`).
        case http
        /// The MCP tool `submit_feedback` (`mcp-ID.json`).
        case mcp
        /// A fix deployctl asked the model for (`proposed-…json`).
        case proposal

        /// The source a feedback file's name says (`api-`, `mcp-`, `proposed-`; anything else is a file).
        public init(file: String) {
            if file.hasPrefix("api-") {
                self = .http
            } else if file.hasPrefix("mcp-") {
                self = .mcp
            } else if file.hasPrefix("proposed-") {
                self = .proposal
            } else {
                self = .file
            }
        }

        public var description: String { rawValue }
    }

    /// What became of it: the feedback outcomes, plus `failed` (the model could not be used; nothing was written).
    public enum Outcome: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        case proposed, applied, rejected, deferred, failed
        public var description: String { rawValue }
    }

    /// The feedback file's name (the key).
    public var file: String
    public var id: String?
    public var repository: String
    public var source: Source
    /// The red commit it was meant to fix: the repository's last build when that was red; nil otherwise.
    public var redCommit: String?
    /// When that red build finished.
    public var redAt: Date?
    /// The model that wrote it (proposals).
    public var model: String?
    /// The proposal's attempt number for its red commit; 1 for feedback.
    public var attempt: Int
    public var promptTokens: Int
    public var completionTokens: Int
    /// `promptTokens` and `completionTokens` at `DISPATCHER_MODEL_PRICE_PROMPT`/`_COMPLETION` per million.
    public var cost: Double
    public var outcome: Outcome
    /// The commit it became, once applied.
    public var commit: String?
    /// Seconds from the red build to the verified (green) fix, once applied.
    public var secondsToGreen: Double?
    /// Distinct errors plus failed tests its verification showed; nil when no build ran (refused before).
    public var problems: Int?
    /// Why its commit is no longer trusted: rolled back by a failed rollout, or reverted; nil while it stands.
    public var reverted: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        file: String, id: String?, repository: String, source: Source, redCommit: String? = nil, redAt: Date? = nil,
        model: String? = nil, attempt: Int = 1, promptTokens: Int = 0, completionTokens: Int = 0, cost: Double = 0,
        outcome: Outcome, commit: String? = nil, secondsToGreen: Double? = nil, problems: Int? = nil,
        reverted: String? = nil, createdAt: Date = Date(), updatedAt: Date = Date()
    ) {
        self.file = file
        self.id = id
        self.repository = repository
        self.source = source
        self.redCommit = redCommit
        self.redAt = redAt
        self.model = model
        self.attempt = attempt
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.outcome = outcome
        self.commit = commit
        self.secondsToGreen = secondsToGreen
        self.problems = problems
        self.reverted = reverted
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Prompt and completion tokens together.
    public var tokens: Int { promptTokens + completionTokens }
}

/// Where the fix ledger is kept (the embedded store implements it; ``StateStore`` refines it).
public protocol FixStore: Sendable {
    /// What a fix's writer knows (a proposal's source, red commit, model, attempt, tokens and cost): inserts the
    /// record, or replaces the one with the same file, keeping an outcome the feedback path already recorded beyond
    /// `proposed` (under `loop`, its feedback task may take a proposal's file before the proposer records it).
    func saveFix(_ record: FixRecord) throws(DispatcherError)

    /// Records what became of a fix: inserts `record` when its file is new; otherwise updates only its outcome,
    /// commit, id, time to green and problems, keeping what its writer recorded (source, tokens, cost, attempt).
    func recordFixOutcome(_ record: FixRecord) throws(DispatcherError)

    /// Every record, or those of one repository, oldest first.
    func fixes(repository: String?) throws(DispatcherError) -> [FixRecord]

    /// Marks the applied fixes whose commit is `commit` in `repository` as no longer standing, with `reason`.
    /// - Returns: how many were marked.
    @discardableResult
    func markFixesReverted(repository: String, commit: String, reason: String) throws(DispatcherError) -> Int

    /// Tokens spent by proposals: on `redCommit` of `repository` when given, else on the whole root since `since`.
    func proposalTokens(repository: String?, redCommit: String?, since: Date?) throws(DispatcherError) -> Int
}
