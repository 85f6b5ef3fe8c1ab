import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging

extension Dispatcher {
    /// Processes pending feedback (or the named files) for the repositories this root manages.
    ///
    /// Each file ends in `feedback/applied/` or `feedback/rejected/` (or stays claimed after an environment failure,
    /// to be resumed next time). Feedback targets repositories that are git checkouts of their own, and vendored
    /// folders of the root's repository (patched, verified and committed there, with the folder's path in front).
    /// - Parameters:
    ///   - files: only these files (copied into `feedback/` when outside it); all pending ones when nil.
    ///   - dryRun: validate and check that patches apply; change nothing.
    ///   - toolchain: the toolchain verification builds with (located when nil and verification is on).
    ///   - logFile: where restart commands write their output (default `deploy/logs/restart.log`).
    ///   - observer: told about each file's outcome as it is decided.
    ///   - waitingForWriters: leave files that look still being written (modified in the last 2 s and not complete
    ///     JSON) for a later run — for the loop, which is woken while agents write.
    /// - Returns: one record per file, in processing order.
    public func processFeedback(
        files: [URL]? = nil, dryRun: Bool = false, toolchain: Toolchain? = nil, logFile: URL? = nil,
        observer: (@Sendable (CycleEvent) -> Void)? = nil, waitingForWriters: Bool = false
    ) async throws -> [FeedbackEventRecord] {
        let manifest = try Manifest.load(at: root.manifestFile)
        let repositories = feedbackTargets(manifest: manifest)
        var verifier: FeedbackVerifier?
        if configuration.verifyFeedback && !dryRun {
            let located: Toolchain
            if let toolchain { located = toolchain } else { located = try await locateToolchain() }
            verifier = FeedbackVerifier(
                builder: RepositoryBuilder(runner: StepRunner(faults: faults)),
                settings: verificationSettings(for: nil, manifest: manifest),
                repositorySettings: Dictionary(
                    uniqueKeysWithValues: repositories.map {
                        ($0.name, verificationSettings(for: $0.name, manifest: manifest))
                    }),
                toolchain: located, logDirectory: root.logs, secrets: configuration.secrets,
                sandbox: try await verificationSandbox().settings)
        }
        let restartLog = logFile ?? root.logs.appendingPathComponent("restart.log")
        var processor = FeedbackProcessor(
            feedbackDirectory: root.feedback, commandsDirectory: root.commands, repositories: repositories,
            options: FeedbackProcessor.Options(
                maxFileBytes: configuration.feedbackMaxBytes, verify: configuration.verifyFeedback, dryRun: dryRun,
                worktreeDirectory: root.deploy.appendingPathComponent("worktrees"),
                changelogPath: configuration.changelog ? "CHANGELOG.md" : nil, waitsForWriters: waitingForWriters,
                faults: faults),
            verifier: verifier, publisher: publisher(manifest: manifest),
            restartRunner: StepRestartRunner(
                runner: StepRunner(faults: faults), logFile: restartLog, secrets: configuration.secrets),
            author: Signature(name: configuration.gitUserName, email: configuration.gitUserEmail), logger: logger)
        processor.commitMessageWriter = commitMessageWriter()
        let outcomes = try await processor.run(files: files)
        return outcomes.map { outcome in
            let record = Self.record(outcome)
            observer?(.feedback(file: record.file, outcome: record.outcome, detail: record.detail))
            if let failure = record.restartFailure {
                logger.warning(
                    "restart failed after feedback \(record.file): \(failure)",
                    metadata: ["deploy.feedback.file": "\(record.file)", "deploy.repo": "\(record.repository ?? "")"])
            }
            return record
        }
    }

    /// The settings a feedback patch for `name` is verified with: the manifest's `build`/`test` commands for that
    /// repository (as in a cycle), one attempt at the tests (a flaky pass is not a green verification), no Docker
    /// image and no end-to-end tests.
    func verificationSettings(for name: String?, manifest: Manifest) -> RepositoryBuildSettings {
        let entry = manifest.repositories.first { $0.name.rawValue == name }
        return RepositoryBuildSettings(
            jobs: configuration.swiftpmJobs, buildCommand: entry?.buildCommand, testCommand: entry?.testCommand,
            timeout: .seconds(configuration.stepTimeout), retryFailedTests: false,
            inheritedVariables: entry?.environmentNames ?? [])
    }

    /// Whether `feedback/` holds pending files or claims a killed run left behind (checked before opening a log).
    var hasFeedbackToProcess: Bool {
        let inbox = FeedbackInbox(directory: root.feedback)
        let pending = (try? inbox.pendingFiles()) ?? []
        let claimed = ((try? FileManager.default.contentsOfDirectory(atPath: inbox.inflightDirectory.path)) ?? [])
            .filter { !$0.hasPrefix(".") }
        return !pending.isEmpty || !claimed.isEmpty
    }

    /// Where verified feedback commits go: a pull request on the repository's forge (`DISPATCHER_USE_PRS=1`, the
    /// default), or a direct fast-forward push to the branch (`DISPATCHER_USE_PRS=0`). A repository without a remote
    /// (a root that was never pushed anywhere) gets the commit on its branch, recorded as committed, not published.
    func publisher(manifest: Manifest) -> any FeedbackPublisher {
        if configuration.usePullRequests {
            return LocalOnlyFallbackPublisher(
                ForgeRoutingPublisher(
                    manifest: manifest, configuration: configuration, networkTimeout: networkTimeout, logger: logger,
                    faults: faults))
        }
        return LocalOnlyFallbackPublisher(
            DirectPushPublisher(
                credentials: GitCredentials(token: configuration.githubToken?.revealed), timeout: networkTimeout,
                faults: faults))
    }

    /// The repositories feedback may target: managed folders that are git checkouts of their own, and vendored
    /// folders (plain folders of the repository that holds the root), on a branch.
    func feedbackTargets(manifest: Manifest) -> [FeedbackRepository] {
        managedRepositories(manifest: manifest).compactMap { name in
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

    /// What an applied file did, for people: the commit and where it went (or the restart a restart request ran).
    static func appliedDetail(_ result: FeedbackResultRecord) -> String {
        var detail = "committed \(result.commit.prefix(10)) on \(result.branch)"
        if result.publication.kind == .local {
            detail += ", not published (\(result.publication.note ?? "the repository has no remote"))"
        }
        if result.kind == .restartRequest {
            detail = "restart request for \(result.repository)"
            if let restart = result.restart {
                detail += restart.succeeded ? ": \(restart.command) succeeded" : ""
            }
        }
        return detail
    }

    static func record(_ outcome: FeedbackOutcome) -> FeedbackEventRecord {
        switch outcome {
        case .applied(let result, _):
            return FeedbackEventRecord(
                repository: result.repository, file: result.file, feedbackID: result.id, outcome: .applied,
                commit: result.commit, detail: appliedDetail(result), restartFailure: result.restart?.failureSummary)
        case .rejected(let rejection, _):
            return FeedbackEventRecord(
                repository: rejection.repository, file: rejection.file, feedbackID: rejection.id, outcome: .rejected,
                commit: nil, detail: "\(rejection.stage): \(rejection.message)")
        case .deferred(let name, let error):
            return FeedbackEventRecord(
                repository: nil, file: name, feedbackID: nil, outcome: .deferred, commit: nil,
                detail: "will be resumed: \(error.message)")
        case .checked(let check):
            return FeedbackEventRecord(
                repository: check.repository, file: check.file, feedbackID: check.id,
                outcome: check.error == nil ? .checked : .wouldReject,
                commit: nil,
                detail: check.error.map { "would be rejected: \($0.message)" }
                    ?? "would apply (\(check.paths.joined(separator: ", ")))")
        }
    }
}
