import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging

/// The cycle's feedback phase (and `apply-feedback`): pending files in `feedback/` (or the named ones) are validated,
/// verified, committed and published, each ending in `feedback/applied/` or `feedback/rejected/` (or claimed, to be
/// resumed, after an environment failure).
///
/// Feedback targets repositories that are git checkouts of their own, and vendored folders of the root's repository
/// (patched, verified and committed there, with the folder's path in front). The processor is built once per phase;
/// the proposal phase hands its files to the same one.
struct FeedbackPhase: Sendable {
    let context: CycleContext
    /// The repositories feedback may target (``targets(root:manifest:)``), found once for the phase.
    let repositories: [FeedbackRepository]
    private let processor: FeedbackProcessor
    /// Each repository's last build, which the fix ledger says a feedback file was meant to fix when it is red:
    /// the stored one, or this cycle's (``with(builds:)``).
    private(set) var latestBuilds: [String: RepositoryCycleRecord]

    /// - Parameters:
    ///   - toolchain: what verification builds with; needed unless `dryRun` or `DISPATCHER_VERIFY_FEEDBACK=0`.
    ///   - sandbox: where verification steps run (``Dispatcher/verificationSandbox()``); `nil` for none.
    ///   - dryRun: validate and check that patches apply; change nothing.
    ///   - waitingForWriters: leave files that look still being written for a later run (the loop).
    ///   - restartLog: where restart commands write their output.
    init(
        context: CycleContext, toolchain: Toolchain?, sandbox: SandboxSettings?, dryRun: Bool = false,
        waitingForWriters: Bool = false, restartLog: URL
    ) {
        self.context = context
        latestBuilds = context.previous.compactMapValues(\.lastBuild)
        let configuration = context.configuration
        let repositories = Self.targets(root: context.root, manifest: context.manifest)
        self.repositories = repositories
        let verifier = toolchain.map { toolchain in
            FeedbackVerifier(
                builder: RepositoryBuilder(runner: context.stepRunner),
                settings: context.verificationSettings(for: nil),
                repositorySettings: Dictionary(
                    uniqueKeysWithValues: repositories.map { ($0.name, context.verificationSettings(for: $0.name)) }),
                toolchain: toolchain, logDirectory: context.root.logs, secrets: configuration.secrets,
                sandbox: sandbox)
        }
        var options = FeedbackProcessor.Options(
            maxFileBytes: configuration.feedbackMaxBytes, verify: configuration.verifyFeedback, dryRun: dryRun,
            worktreeDirectory: context.root.deploy.appendingPathComponent("worktrees"),
            changelogPath: configuration.changelog ? "CHANGELOG.md" : nil, waitsForWriters: waitingForWriters,
            faults: context.faults)
        options.rolledOutRepositories = Set(
            context.manifest.repositories.filter { $0.deploy != nil }.map(\.name.rawValue))
        var processor = FeedbackProcessor(
            feedbackDirectory: context.root.feedback, commandsDirectory: context.root.commands,
            repositories: repositories,
            options: options, verifier: verifier, publisher: Self.publisher(context),
            restartRunner: StepRestartRunner(
                runner: context.stepRunner, logFile: restartLog, secrets: configuration.secrets),
            author: Signature(name: configuration.gitUserName, email: configuration.gitUserEmail),
            logger: context.logger)
        processor.commitMessageWriter = context.commitMessageWriter()
        self.processor = processor
    }

    /// Whether verification needs a toolchain and a sandbox for these settings.
    static func verifies(_ configuration: DispatcherConfiguration, dryRun: Bool) -> Bool {
        configuration.verifyFeedback && !dryRun
    }

    /// The same phase, knowing the builds this cycle made (`records` whose outcome is `built`).
    func with(builds records: [RepositoryCycleRecord]) -> FeedbackPhase {
        var phase = self
        for record in records where record.outcome == .built { phase.latestBuilds[record.repository] = record }
        return phase
    }

    /// Processes pending feedback, or only `files` (copied into `feedback/` when outside it), and records each
    /// fix in the ledger.
    /// - Returns: one record per file, in processing order.
    func run(files: [URL]? = nil) async throws(FeedbackError) -> [FeedbackEventRecord] {
        let outcomes = try await processor.run(files: files)
        var recorded = false
        for outcome in outcomes {
            guard let fix = FixRecord(outcome, builds: latestBuilds) else { continue }
            do {
                try context.store.recordFixOutcome(fix)
                recorded = true
            } catch {
                context.logger.error("the fix ledger could not record \(fix.file): \(error)")
            }
        }
        if recorded { DispatcherMetrics.record(fixes: context.store) }
        return outcomes.map { outcome in
            let record = FeedbackEventRecord(outcome)
            context.observer?(.feedback(file: record.file, outcome: record.outcome, detail: record.detail))
            if let failure = record.restartFailure {
                context.logger.warning(
                    "restart failed after feedback \(record.file): \(failure)",
                    metadata: ["deploy.feedback.file": "\(record.file)", "deploy.repo": "\(record.repository ?? "")"])
            }
            return record
        }
    }

    /// Checks `files` as `--dry-run` does (the phase must be a dry run): validated, the patch applied in memory,
    /// nothing moved or written.
    func check(files: [URL]) async throws(FeedbackError) -> [FeedbackCheck] {
        try await processor.run(files: files).compactMap { outcome in
            if case .checked(let check) = outcome { return check }
            return nil
        }
    }

    /// Where verified feedback commits go: a pull request on the repository's forge (`DISPATCHER_USE_PRS=1`, the
    /// default), or a direct fast-forward push to the branch (`DISPATCHER_USE_PRS=0`). A repository without a remote
    /// (a root that was never pushed anywhere) gets the commit on its branch, recorded as committed, not published.
    private static func publisher(_ context: CycleContext) -> any FeedbackPublisher {
        if context.configuration.usePullRequests {
            return LocalOnlyFallbackPublisher(
                ForgeRoutingPublisher(
                    manifest: context.manifest, configuration: context.configuration,
                    networkTimeout: context.networkTimeout, logger: context.logger, faults: context.faults))
        }
        return LocalOnlyFallbackPublisher(
            DirectPushPublisher(
                credentials: context.credentials, timeout: context.networkTimeout, faults: context.faults))
    }

    /// The repositories feedback may target: managed folders that are git checkouts of their own, and vendored
    /// folders (plain folders of the repository that holds the root), on a branch.
    static func targets(root: DeployRoot, manifest: Manifest) -> [FeedbackRepository] {
        CycleContext.managedRepositories(root: root, manifest: manifest).compactMap { name in
            let folder = root.repository(name)
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) {
                guard let repository = try? GitRepository.open(at: folder), let branch = try? repository.head().branch
                else { return nil }
                return FeedbackRepository(name: name.rawValue, directory: folder, branch: branch)
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue,
                let owner = try? GitRepository.discover(containing: folder),
                let path = owner.relativePath(of: folder), !path.isEmpty, let branch = try? owner.head().branch
            else { return nil }
            return FeedbackRepository(
                name: name.rawValue, directory: folder, branch: branch,
                enclosing: FeedbackRepository.Enclosing(workTree: owner.workDirectory, path: path))
        }
    }
}
