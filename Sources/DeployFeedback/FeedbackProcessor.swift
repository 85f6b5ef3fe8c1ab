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
}
