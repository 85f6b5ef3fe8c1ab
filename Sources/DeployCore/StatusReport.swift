import DeployBuild
import DeployFeedback
import Foundation

/// What `deployctl status` shows: each repository's last build and update state, pending feedback, the loop's health.
///
/// Its JSON form (`status --json`) is stable and documented in `docs/status.md`; fields are only ever added.
public struct StatusReport: Sendable, Codable, Hashable {
    /// The last build of a repository.
    public struct LastBuild: Sendable, Codable, Hashable {
        public var result: RecordedBuildResult
        public var finishedAt: Date
        public var durationSeconds: Double
        public var errors: Int
        public var warnings: Int
        public var testsPassed: Int
        public var testsFailed: Int
        public var testsSkipped: Int
        public var failingTests: [String]
        public var commit: String?
        public var log: String?
    }

    /// The most recent cycle's view of a repository (which may not have built anything).
    public struct LastCycle: Sendable, Codable, Hashable {
        public var outcome: RepositoryCycleRecord.Outcome
        public var summary: String
        public var finishedAt: Date
    }

    /// The proposed fixes for a repository's last built commit (`DISPATCHER_PROPOSE_FIXES`, `--propose`).
    public struct Proposals: Sendable, Codable, Hashable {
        /// The red commit fixes were asked for.
        public var commit: String
        /// Attempts made for it.
        public var attempts: Int
        /// Attempts allowed for it.
        public var limit: Int
        /// The last attempt's outcome.
        public var lastOutcome: ProposalAttemptRecord.Outcome
        /// Why the last attempt was rejected or failed (or what was published).
        public var lastDetail: String
        /// Whether a proposed fix was published.
        public var fixed: Bool
        /// Whether deployctl stopped proposing for this commit (its attempts are used up without a fix).
        public var stopped: Bool
    }

    /// Where a repository's deployment stands (repositories with a `deploy` block that have deployed).
    public struct Deployment: Sendable, Codable, Hashable {
        /// The revision `deploy/current/NAME` points at.
        public var revision: String?
        public var state: DeploymentState.State
        /// The healthy revision before it: what `deployctl rollback` returns to.
        public var previousRevision: String?
        /// Revisions never deployed again (they failed their gate).
        public var blockedRevisions: [String]
        /// When the state last changed.
        public var at: Date
        /// How long the last health gate took.
        public var healthSeconds: Double?
        /// The evidence of the last rollback or failure (`deploy/logs/rollout-…md`).
        public var report: String?

        init(_ state: DeploymentState) {
            revision = state.revision
            self.state = state.state
            previousRevision = state.previousRevision
            blockedRevisions = state.blockedRevisions
            at = state.at
            healthSeconds = state.healthSeconds
            report = state.report
        }
    }

    /// One repository.
    public struct Repository: Sendable, Codable, Hashable {
        public var name: String
        public var branch: String?
        public var head: String?
        public var lastBuild: LastBuild?
        public var lastCycle: LastCycle?
        public var pendingFeedback: Int
        public var consecutiveFailures: Int
        public var nextAttemptAt: Date?
        /// Proposed fixes for the last built commit; absent when none were asked for.
        public var proposals: Proposals?
        /// The deployment; absent for a repository that never deployed.
        public var deployment: Deployment?
    }

    /// A damaged checkout moved aside to `deploy/quarantine/` and cloned again; kept for a person to recover what
    /// was in it (deployctl never removes it).
    public struct QuarantinedCheckout: Sendable, Codable, Hashable {
        /// The repository it was the checkout of.
        public var repository: String
        /// The folder, e.g. `/srv/deploy/deploy/quarantine/app-20261125-163512`.
        public var path: String
        /// When it was moved aside (from its name), if the name says.
        public var movedAt: Date?
    }

    /// A feedback file claimed into `feedback/.inflight/` and not finished: being processed now, or left by a run
    /// that was killed or met an environment failure (the next run resumes it). Counted in ``pendingFeedback``.
    public struct InflightFeedback: Sendable, Codable, Hashable {
        public var file: String
        /// How far it got (the journal's phase).
        public var stage: FeedbackClaimPhase
        public var claimedAt: Date
        /// Seconds since it was claimed.
        public var waitingSeconds: Double
        public var attempts: Int
        public var repository: String?
    }

    /// The loop's health.
    public struct Loop: Sendable, Codable, Hashable {
        /// Whether a dispatcher holds the root's lock now.
        public var running: Bool
        /// The lock holder's description, when running.
        public var holder: String?
        public var lastCycleAt: Date?
        public var lastCycleResult: CycleRecord.Result?
        public var nextCycleAt: Date?
    }

    public var root: String
    /// True when no cycle was ever recorded on this root.
    public var neverRan: Bool
    public var repos: [Repository]
    /// Feedback files waiting: pending in `feedback/` plus claimed in `feedback/.inflight/` (``inflightFeedback``).
    public var pendingFeedback: Int
    /// The files in `feedback/.inflight/`, with their stage; absent when there are none.
    public var inflightFeedback: [InflightFeedback]?
    /// The seed's `feedback/applied-*.json` marks of files it applied: history, never pending, left where they are;
    /// absent when there are none.
    public var legacyAppliedFeedback: [String]?
    public var loop: Loop
    /// The newest cycles first, when asked for (`--history N`).
    public var history: [StoredCycle]?
    /// Damaged checkouts kept in `deploy/quarantine/`, oldest first; absent when there are none.
    public var quarantined: [QuarantinedCheckout]?
    /// The newest rollouts first, when asked for (`--deployments N`).
    public var deployments: [DeploymentRecord]?
    /// The fix ledger's figures (fix rate, reverts, time to green, tokens, cost), for the root and per repository;
    /// absent on a root that never ran.
    public var fixes: FixLedgerReport?

    /// Reads the status of `root` without taking the dispatcher's lock (safe while `loop` runs).
    /// - Parameters:
    ///   - root: the deploy root.
    ///   - history: how many recent cycles to include (0 for none).
    ///   - deployments: how many recent rollouts to include (0 for none).
    ///   - store: the root's store, already open (a server answering many requests); nil opens it now, when it
    ///     exists.
    public static func load(
        root: DeployRoot, history: Int = 0, deployments: Int = 0, store opened: SQLiteStateStore? = nil
    ) throws(DispatcherError) -> StatusReport {
        let store: SQLiteStateStore?
        if let opened { store = opened } else { store = try SQLiteStateStore.openExisting(at: root.stateDatabase) }
        let states = try store?.repositoryStates() ?? [:]
        let deploymentStates = try store?.deploymentStates() ?? [:]
        let cycles = try store?.history(limit: max(history, 1)) ?? []
        let lastBuildCycle = try store?.lastCycle(excludingTrigger: .feedback)
        let health = try store?.health()
        let inbox = FeedbackInbox(directory: root.feedback)
        let pending = (try? inbox.pendingFiles()) ?? []
        let inflight = inbox.inflightFiles()
        var pendingByRepository = countByRepository(pending)
        for file in inflight {
            if let repository = file.repository { pendingByRepository[repository, default: 0] += 1 }
        }
        let legacy = inbox.legacyAppliedFiles()
        let now = Date()

        var names = Set(states.keys).union(deploymentStates.keys)
        names.formUnion(root.repositoryFolders().names.map(\.rawValue))
        let repos = names.sorted().map { name in
            let state = states[name]
            let latest = state?.latest
            let build = state?.lastBuild
            return Repository(
                name: name,
                branch: latest?.branch ?? build?.branch,
                head: latest?.head ?? build?.head,
                // A record of a build always has its result.
                lastBuild: build.flatMap { build in
                    build.buildResult.map { result in
                        LastBuild(
                            result: result, finishedAt: build.finishedAt, durationSeconds: build.durationSeconds,
                            errors: build.errors, warnings: build.warnings, testsPassed: build.testsPassed,
                            testsFailed: build.testsFailed, testsSkipped: build.testsSkipped,
                            failingTests: build.failingTests, commit: build.head, log: build.log)
                    }
                },
                lastCycle: latest.map {
                    LastCycle(outcome: $0.outcome, summary: $0.summary, finishedAt: $0.finishedAt)
                },
                pendingFeedback: pendingByRepository[name] ?? 0,
                consecutiveFailures: state?.consecutiveFailures ?? 0,
                nextAttemptAt: state?.nextAttemptAt,
                proposals: build?.head.flatMap { proposals(store, repository: name, commit: $0) },
                deployment: deploymentStates[name].map(Deployment.init))
        }
        let holder = DispatcherLock.holder(of: root)
        let last = lastBuildCycle
        return StatusReport(
            root: root.url.path,
            neverRan: last == nil,
            repos: repos,
            pendingFeedback: pending.count + inflight.count,
            inflightFeedback: inflight.isEmpty
                ? nil
                : inflight.map {
                    InflightFeedback(
                        file: $0.file, stage: $0.stage, claimedAt: $0.claimedAt,
                        waitingSeconds: max(0, now.timeIntervalSince($0.claimedAt)), attempts: $0.attempts,
                        repository: $0.repository)
                },
            legacyAppliedFeedback: legacy.isEmpty ? nil : legacy,
            loop: Loop(
                running: holder != nil, holder: holder, lastCycleAt: last?.record.finishedAt,
                lastCycleResult: last?.record.result, nextCycleAt: holder != nil ? health?.nextCycleAt : nil),
            history: history > 0 ? Array(cycles.prefix(history)) : nil,
            quarantined: quarantinedCheckouts(in: root),
            deployments: deployments > 0 ? try store?.deployments(repository: nil, limit: deployments) ?? [] : nil,
            fixes: try fixLedger(store))
    }

    /// The fix ledger's figures; nil without a store.
    static func fixLedger(_ store: SQLiteStateStore?) throws(DispatcherError) -> FixLedgerReport? {
        guard let store else { return nil }
        return FixLedgerReport(try store.fixes(repository: nil))
    }

    /// The folders of `deploy/quarantine/` (named `NAME-YYYYMMDD-HHMMSS`, with `-N` when two fell in one second).
    static func quarantinedCheckouts(in root: DeployRoot) -> [QuarantinedCheckout]? {
        let folder = root.quarantine
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = DeployRoot.quarantineStampFormat
        let checkouts = names.filter { !$0.hasPrefix(".") }.map { name in
            var parts = name.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            if parts.count >= 4, parts.last!.allSatisfy(\.isNumber), parts.last!.count < 6 { parts.removeLast() }
            guard parts.count >= 3, let date = formatter.date(from: parts.suffix(2).joined(separator: "-")) else {
                return QuarantinedCheckout(
                    repository: name, path: folder.appendingPathComponent(name).path, movedAt: nil)
            }
            return QuarantinedCheckout(
                repository: parts.dropLast(2).joined(separator: "-"), path: folder.appendingPathComponent(name).path,
                movedAt: date)
        }
        guard !checkouts.isEmpty else { return nil }
        return checkouts.sorted { ($0.movedAt ?? .distantPast, $0.path) < ($1.movedAt ?? .distantPast, $1.path) }
    }

    /// The proposal attempts for `commit`, summarised; `nil` when there were none.
    private static func proposals(_ store: SQLiteStateStore?, repository: String, commit: String) -> Proposals? {
        guard let recorded = try? store?.proposalAttempts(repository: repository, commit: commit),
            let last = recorded.last
        else { return nil }
        let attempts = recorded.filter { $0.outcome != .stopped }
        let fixed = attempts.contains { $0.outcome == .applied }
        let open = attempts.contains { $0.outcome == .proposed || $0.outcome == .deferred }
        return Proposals(
            commit: commit, attempts: attempts.count, limit: last.limit, lastOutcome: last.outcome,
            lastDetail: last.detail, fixed: fixed,
            stopped: !fixed && !open && (attempts.count >= last.limit || last.outcome == .stopped))
    }

    /// Pending files per target repository, read cheaply from each file's `repo` field (others are not counted).
    private static func countByRepository(_ files: [URL]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for file in files {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int,
                size < 8 << 20, let data = try? Data(contentsOf: file),
                case .object(let fields)? = try? JSONValue(parsing: data),
                case .string(let repository)? = fields["repo"]
            else { continue }
            counts[repository, default: 0] += 1
        }
        return counts
    }
}
