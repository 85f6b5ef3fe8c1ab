import DeployBuild
import DeployGit
import Foundation
import Logging

/// Turns the feedback files of one deploy root into verified commits or rejections with reasons.
///
/// For each file, in name order: read and validate it, check the patch against the path policy, reject a duplicate
/// id, check the patch applies to the branch tip (or three-way from `base`), build and test the patched tree in an
/// isolated worktree, and only when that is green apply it to the checkout, commit exactly the patched paths with a
/// `Feedback-Id:` trailer, publish, and run the restart command. Every phase is journaled under
/// `feedback/.inflight/`, so a run killed at any point is resumed by the next one; each file ends in
/// `feedback/applied/` or `feedback/rejected/` with a record.
public struct FeedbackProcessor: Sendable {
    /// Settings of a run.
    public struct Options: Sendable, Hashable {
        /// What patches may touch.
        public var policy: PatchPolicy
        /// The largest feedback file read, in bytes (checked before reading). The dispatcher passes
        /// `DISPATCHER_FEEDBACK_MAX_BYTES` (default 1 MiB); this library default is 4 MiB.
        public var maxFileBytes: Int
        /// Build and test the patched tree before committing (turn off only for trusted sources).
        public var verify: Bool
        /// Validate and check that patches apply; change nothing (files stay pending).
        public var dryRun: Bool
        /// How long the restart command may run.
        public var restartTimeout: Duration
        /// How many runs may hit environment failures on one file before it is rejected.
        public var maxAttempts: Int
        /// Where throwaway worktrees for verification and three-way applies are made (default: the temporary folder).
        public var worktreeDirectory: URL?
        /// The file (relative to the repository's root, usually `CHANGELOG.md`) that gets one ``ChangelogEntry`` per
        /// applied feedback, in the same commit; nil adds none. A patch that changes the file itself gets no entry.
        public var changelogPath: String?
        /// Also `fsync` every record, journal and move, so that `feedback/` survives a power loss, not only a killed
        /// process (about 10 ms per write on an ordinary disk; pair it with synced git writes).
        public var syncToDisk: Bool
        /// Leave a pending file that looks unfinished (``FeedbackInbox/isBeingWritten(_:now:)``) for a later run: for
        /// a loop woken by the folder changing while an agent is still writing the file in place.
        public var waitsForWriters: Bool
        /// Fault injection for crash tests: the kill points of the inbox and of applying, and a halt right after the
        /// journal records a phase (``FaultPoint/journaled(_:)``, as if the process had been killed there). The
        /// default injects nothing.
        public var faults: FaultInjection

        public init(
            policy: PatchPolicy = PatchPolicy(),
            maxFileBytes: Int = 4 << 20,
            verify: Bool = true,
            dryRun: Bool = false,
            restartTimeout: Duration = .seconds(300),
            maxAttempts: Int = 3,
            worktreeDirectory: URL? = nil,
            syncToDisk: Bool = false,
            changelogPath: String? = nil,
            waitsForWriters: Bool = false,
            faults: FaultInjection = FaultInjection()
        ) {
            self.faults = faults
            self.waitsForWriters = waitsForWriters
            self.changelogPath = changelogPath
            self.policy = policy
            self.maxFileBytes = maxFileBytes
            self.verify = verify
            self.dryRun = dryRun
            self.restartTimeout = restartTimeout
            self.maxAttempts = maxAttempts
            self.worktreeDirectory = worktreeDirectory
            self.syncToDisk = syncToDisk
        }
    }

    /// The `feedback/` folder.
    public let inbox: FeedbackInbox
    /// The root's `commands/` folder (restart scripts).
    public let commandsDirectory: URL
    /// The repositories feedback may target.
    public let repositories: [FeedbackRepository]
    public let options: Options
    /// Builds and tests patched trees (required when ``Options/verify`` is on).
    public let verifier: FeedbackVerifier?
    /// Publishes verified commits; `nil` commits to the checkout's branch only.
    public let publisher: (any FeedbackPublisher)?
    /// Runs restart commands; `nil` never restarts.
    public let restartRunner: (any RestartRunner)?
    /// Author and committer of feedback commits.
    public let author: Signature
    /// Writes commit messages from the staged diff (e.g. ``ChatCommitMessageWriter``); `nil` uses the description.
    public var commitMessageWriter: (any CommitMessageWriter)? = nil
    let logger: Logger
    let repositoryCache = RepositoryCache()
    let historyCache = FeedbackHistoryCache()

    /// - Parameters:
    ///   - feedbackDirectory: the root's `feedback/` folder.
    ///   - commandsDirectory: the root's `commands/` folder.
    ///   - repositories: the managed repositories.
    ///   - options: limits and switches.
    ///   - verifier: builds and tests patched trees; required unless `options.verify` is off.
    ///   - publisher: publishes verified commits (``DirectPushPublisher`` or a pull-request publisher); with `nil`
    ///     the commit is made on the checkout's branch and not published.
    ///   - restartRunner: runs `commands/restart-*.sh` after a successful publish; `nil` never restarts.
    ///   - author: author and committer of feedback commits.
    ///   - logger: receives one line per phase, with `deploy.feedback.*` metadata.
    public init(
        feedbackDirectory: URL,
        commandsDirectory: URL,
        repositories: [FeedbackRepository],
        options: Options = Options(),
        verifier: FeedbackVerifier? = nil,
        publisher: (any FeedbackPublisher)? = nil,
        restartRunner: (any RestartRunner)? = nil,
        author: Signature = Signature(name: "deployctl", email: "deployctl@localhost"),
        logger: Logger = Logger(label: "deployctl.feedback")
    ) {
        self.inbox = FeedbackInbox(directory: feedbackDirectory, syncs: options.syncToDisk, faults: options.faults)
        self.commandsDirectory = commandsDirectory
        self.repositories = repositories
        self.options = options
        self.verifier = verifier
        self.publisher = publisher
        self.restartRunner = restartRunner
        self.author = author
        self.logger = logger
    }

    /// Processes the pending files (or only `files`), after first resuming files a previous run left claimed.
    ///
    /// A named file outside `feedback/` is copied in first (the original is never moved or deleted).
    /// - Returns: one outcome per file, in processing order.
    /// - Throws: ``FeedbackError/Code/locked`` when another process is working on the folder, or
    ///   ``FeedbackError/Code/io`` when the folder cannot be used at all. A problem with one file never throws.
    public func run(files: [URL]? = nil) async throws(FeedbackError) -> [FeedbackOutcome] {
        if options.dryRun { return try await check(files: files) }
        try inbox.prepare()
        let lock = try inbox.lock()
        defer { withExtendedLifetime(lock) {} }
        inbox.cache.clear()
        repositoryCache.clear()
        historyCache.clear()
        defer { repositoryCache.clear() }
        var outcomes: [FeedbackOutcome] = []
        for (claim, journal) in try inbox.claims() {
            outcomes.append(await resume(claim, journal: journal))
        }
        for url in try selectFiles(files) {
            if files == nil, options.waitsForWriters, inbox.isBeingWritten(url) {
                logger.info(
                    "feedback file still being written; taken once complete",
                    metadata: ["deploy.feedback.file": "\(url.lastPathComponent)"])
                continue
            }
            let claimed: (FeedbackInbox.Claim, FeedbackJournal)
            do { claimed = try inbox.claim(url) } catch {
                outcomes.append(.deferred(name: url.lastPathComponent, error: error))
                continue
            }
            outcomes.append(await process(claimed.0, journal: claimed.1))
        }
        return outcomes
    }

    /// The pending files to take: all of them, or the named ones (copied into `feedback/` when outside it).
    private func selectFiles(_ files: [URL]?) throws(FeedbackError) -> [URL] {
        guard let files else { return try inbox.pendingFiles() }
        var selected: [URL] = []
        let folder = inbox.directory.standardizedFileURL.resolvingSymlinksInPath().path
        for file in files {
            let parent = file.deletingLastPathComponent().standardizedFileURL.resolvingSymlinksInPath().path
            if parent == folder {
                selected.append(inbox.directory.appendingPathComponent(file.lastPathComponent))
                continue
            }
            var name =
                file.lastPathComponent.hasSuffix(".json") ? file.lastPathComponent : file.lastPathComponent + ".json"
            if name.hasPrefix(".") { name = "_" + name }
            var candidate = inbox.directory.appendingPathComponent(name)
            var counter = 2
            while AtomicFile.exists(candidate) {
                candidate = inbox.directory.appendingPathComponent("\(FeedbackInbox.stem(name))-\(counter).json")
                counter += 1
            }
            try AtomicFile.copy(file, to: candidate)
            selected.append(candidate)
        }
        return selected
    }

    // MARK: Processing one file

    /// A failed stage: the error, and what the rejection record should carry.
    struct StageFailure: Error {
        var stage: FeedbackStage
        var error: FeedbackError
        var verification: FeedbackVerification?
        var logExcerpt: String?

        init(
            _ stage: FeedbackStage, _ error: FeedbackError, verification: FeedbackVerification? = nil,
            logExcerpt: String? = nil
        ) {
            self.stage = stage
            self.error = error
            self.verification = verification
            self.logExcerpt = logExcerpt
        }
    }

    /// A file that passed reading, validation, the path policy and the duplicate check.
    struct Validated: Sendable {
        var document: FeedbackDocument
        var repository: FeedbackRepository
        var branch: String
        var summary: PatchSummary
    }

    /// Processes a freshly claimed file.
    func process(_ claim: FeedbackInbox.Claim, journal: FeedbackJournal) async -> FeedbackOutcome {
        if let request = restartRequest(in: claim.file) {
            return await processRestartRequest(request, claim: claim, journal: journal)
        }
        var journal = journal
        var document: FeedbackDocument?
        let started = ContinuousClock.now
        do throws(StageFailure) {
            let validated = try validate(claim.file, document: &document)
            journal.timings.stages[.validate] = started.duration(to: .now).seconds
            journal.id = validated.document.id
            journal.repository = validated.repository.name
            journal.branch = validated.branch
            journal.paths = validated.summary.changedPaths
            try checkpoint(journal, claim, persist: false)
            return try await applyRetryingRaces(validated, claim: claim, journal: &journal)
        } catch {
            return conclude(claim, journal: &journal, failure: error, document: document)
        }
    }

    /// Resumes a file a previous run left claimed, from the phase its journal records.
    func resume(_ claim: FeedbackInbox.Claim, journal: FeedbackJournal) async -> FeedbackOutcome {
        var journal = journal
        // A killed run's worktree is not needed any more: a made commit is on a branch, else the next apply makes one.
        if let target = repositories.first(where: { $0.name == journal.repository }), let git = try? open(target) {
            let folder = worktreeFolder(target, name: "deployctl-feedback")
            removeWorktree(git, name: "deployctl-feedback", directory: folder, keepingBuild: true)
        }
        logger.info(
            "resuming feedback",
            metadata: ["deploy.feedback.file": "\(claim.name)", "deploy.feedback.phase": "\(journal.phase.rawValue)"])
        if journal.phase == .finishing {
            do {
                let destination = try inbox.completeFinish(claim, journal: journal)
                switch journal.outcome {
                case .applied(let record)?: return .applied(record, file: destination)
                case .rejected(let record)?: return .rejected(record, file: destination)
                case nil: return .deferred(name: claim.name, error: FeedbackError(.journal, "no outcome recorded"))
                }
            } catch {
                return .deferred(name: claim.name, error: error)
            }
        }
        journal.attempts += 1
        if journal.phase == .claimed, journal.attempts > options.maxAttempts {
            let error = FeedbackError(
                .tooManyAttempts,
                "processing was interrupted or failed for environment reasons \(journal.attempts - 1) times")
            return conclude(claim, journal: &journal, failure: StageFailure(.recover, error), document: nil)
        }
        do throws(StageFailure) {
            try save(journal, claim)
            switch journal.phase {
            case .claimed, .finishing:
                return await process(claim, journal: journal)
            case .applying, .committed, .published:
                var document: FeedbackDocument?
                let validated = try validate(claim.file, document: &document, checkDuplicate: false)
                do { return try await continueAfterApply(validated, claim: claim, journal: &journal) } catch {
                    guard error.error.code == .publishRejected else { throw error }
                    return try await applyRetryingRaces(validated, claim: claim, journal: &journal, refused: 1)
                }
            }
        } catch {
            return conclude(claim, journal: &journal, failure: error, document: nil)
        }
    }

    /// Reads, validates and checks the file against the policy and the ledger.
    func validate(
        _ file: URL, document parsed: inout FeedbackDocument?, checkDuplicate: Bool = true
    ) throws(StageFailure) -> Validated {
        var document: FeedbackDocument
        do { document = try FeedbackDocument.load(contentsOf: file, maxBytes: options.maxFileBytes) } catch {
            throw StageFailure(.read, error)
        }
        parsed = document
        let repository: FeedbackRepository
        do { repository = try FeedbackRepository.target(of: document, in: repositories) } catch {
            throw StageFailure(.validate, error)
        }
        let branch = document.branch ?? repository.branch
        guard branch == repository.branch else {
            throw StageFailure(
                .validate,
                FeedbackError(
                    .invalidValue,
                    "'branch' is \(quoted(branch)) but \(repository.name) is managed on \(quoted(repository.branch))",
                    field: "branch"))
        }
        let summary: PatchSummary
        do throws(FeedbackError) {
            if let enclosing = repository.enclosing, !enclosing.path.isEmpty {
                // A vendored folder: checked relative to the folder, applied in the repository that holds it.
                (document.patch, summary) = try options.policy.check(
                    patch: document.patch, inFolder: enclosing.path, of: enclosing.workTree)
            } else {
                summary = try options.policy.check(patch: document.patch, repository: repository.directory)
            }
        } catch {
            throw StageFailure(.policy, error)
        }
        if checkDuplicate, let entry = inbox.ledger().entries[document.id] {
            throw StageFailure(
                .validate,
                FeedbackError(
                    .duplicate,
                    "feedback id \(quoted(document.id)) was already applied as commit \(entry.commit) "
                        + "(\(entry.file) in applied/)",
                    field: document.idWasDerived ? "patch" : "id"))
        }
        if checkDuplicate, let commit = try commitInHistory(document.id, repository: repository) {
            throw StageFailure(
                .validate,
                FeedbackError(
                    .duplicate,
                    "feedback id \(quoted(document.id)) was already applied as commit \(commit.hex) (its "
                        + "\(Self.idTrailer) trailer is in the history of \(repository.branch))",
                    field: document.idWasDerived ? "patch" : "id"))
        }
        return Validated(document: document, repository: repository, branch: branch, summary: summary)
    }

    /// Ends a file after a failure: a rejection moves it to `rejected/`; an environment failure leaves it claimed.
    func conclude(
        _ claim: FeedbackInbox.Claim, journal: inout FeedbackJournal, failure: StageFailure, document: FeedbackDocument?
    ) -> FeedbackOutcome {
        guard failure.error.isRejection else {
            logger.warning(
                "feedback deferred: \(failure.error)",
                metadata: ["deploy.feedback.file": "\(claim.name)", "deploy.feedback.stage": "\(failure.stage)"])
            return .deferred(name: claim.name, error: failure.error)
        }
        logger.notice(
            "feedback rejected: \(failure.error)",
            metadata: ["deploy.feedback.file": "\(claim.name)", "deploy.feedback.stage": "\(failure.stage)"])
        var timings = journal.timings
        timings.finishedAt = Date()
        let record = FeedbackRejection(
            file: claim.name, id: document?.id ?? journal.id, repository: document?.repository ?? journal.repository,
            stage: failure.stage, error: failure.error, logExcerpt: failure.logExcerpt,
            verification: failure.verification, timings: timings, metadata: document?.metadata ?? [:],
            unknownFields: document?.unknownFields ?? [:])
        do {
            let destination = try inbox.finish(claim, journal: &journal, outcome: .rejected(record))
            return .rejected(record, file: destination)
        } catch {
            return .deferred(name: claim.name, error: error)
        }
    }

    /// Records a phase change.
    func save(_ journal: FeedbackJournal, _ claim: FeedbackInbox.Claim) throws(StageFailure) {
        try checkpoint(journal, claim, persist: true)
    }

    /// Reaches a phase: writes the journal when `persist` (recovery needs it), and when the options' fault plan halts
    /// at ``FaultPoint/journaled(_:)`` of the phase (crash tests) stops right there, as if the process had been killed
    /// at that point.
    func checkpoint(_ journal: FeedbackJournal, _ claim: FeedbackInbox.Claim, persist: Bool) throws(StageFailure) {
        if persist {
            do { try inbox.save(journal, for: claim) } catch { throw StageFailure(.journal, error) }
        }
        if options.faults.halts(at: .journaled(journal.phase)) {
            throw StageFailure(
                .halt, FeedbackError(.io, "halted after phase \(journal.phase.rawValue) (fault injection)"))
        }
    }

    // MARK: Dry run

    /// `--dry-run`: validates each file and checks that its patch applies; moves and writes nothing.
    func check(files: [URL]?) async throws(FeedbackError) -> [FeedbackOutcome] {
        inbox.cache.clear()
        repositoryCache.clear()
        historyCache.clear()
        defer { repositoryCache.clear() }
        let urls: [URL]
        if let files { urls = files } else { urls = try inbox.pendingFiles() }
        var outcomes: [FeedbackOutcome] = []
        for url in urls {
            var document: FeedbackDocument?
            if let request = restartRequest(in: url) {
                outcomes.append(.checked(checkRestartRequest(request, file: url)))
                continue
            }
            var result = FeedbackCheck(
                file: url.lastPathComponent, id: nil, repository: nil, paths: [], error: nil, needsThreeWay: false)
            do throws(StageFailure) {
                let validated = try validate(url, document: &document)
                result.paths = validated.summary.paths
                result.needsThreeWay = try checkApplies(validated)
            } catch {
                result.error = error.error
            }
            result.id = document?.id
            result.repository = document?.repository
            outcomes.append(.checked(result))
        }
        return outcomes
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
