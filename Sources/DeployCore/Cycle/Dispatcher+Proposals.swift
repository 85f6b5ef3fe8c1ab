import DeployBuild
import DeployFeedback
import DeployGit
import DeployHTTP
import Foundation
import Logging

extension Dispatcher {
    /// Whether fixes are proposed in cycles: `DISPATCHER_PROPOSE_FIXES=1` and `OPENAI_API_KEY` set.
    public var proposesFixes: Bool {
        configuration.proposeFixes && !(configuration.openAIAPIKey?.revealed.isEmpty ?? true)
    }

    /// The chat-completions client for `OPENAI_API_BASE`, `OPENAI_MODEL` and `DISPATCHER_MODEL_TIMEOUT`; `nil`
    /// without a key.
    func chatClient() -> ChatCompletionsClient? {
        guard let key = configuration.openAIAPIKey?.revealed, !key.isEmpty else { return nil }
        return ChatCompletionsClient(
            baseURL: configuration.openAIAPIBase, apiKey: key,
            options: ChatCompletionsClient.Options(
                model: configuration.openAIModel, timeout: .seconds(configuration.modelTimeout)),
            logger: logger)
    }

    /// Generates commit messages from the staged diff when `OPENAI_API_KEY` is set (issue: the message falls back
    /// to the feedback description on a timeout or an error).
    func commitMessageWriter() -> (any CommitMessageWriter)? {
        chatClient().map { ChatCommitMessageWriter(client: $0, logger: logger) }
    }

    /// The cycle's proposal phase: for each repository whose head built red (this cycle or, unchanged, before), asks
    /// for fixes until one is published or `DISPATCHER_PROPOSE_ATTEMPTS` attempts for that commit are used up.
    /// - Returns: the feedback events of the proposal files, for the cycle record.
    func proposeFixes(
        for records: [RepositoryCycleRecord], previous: [String: RepositoryState], toolchain: Toolchain,
        logFile: URL?, observer: (@Sendable (CycleEvent) -> Void)?
    ) async -> [FeedbackEventRecord] {
        var events: [FeedbackEventRecord] = []
        for record in records {
            if Task.isCancelled { break }
            let red: RepositoryCycleRecord?
            switch record.outcome {
            case .built: red = record
            case .unchanged: red = previous[record.repository]?.lastBuild
            default: red = nil
            }
            guard let red, red.buildResult == .failed, red.head != nil, red.head == record.head else { continue }
            do {
                let run = try await proposeFixes(
                    for: red, newAttempts: nil, toolchain: toolchain, logFile: logFile, observer: observer)
                events += run.feedback
            } catch {
                logger.error("fixes could not be proposed for \(record.repository): \(error)")
            }
        }
        return events
    }

    /// Asks for fixes of `repository`'s last recorded build now (`deployctl apply-feedback --propose REPO`).
    ///
    /// Runs up to `DISPATCHER_PROPOSE_ATTEMPTS` new attempts, even when the automatic ones for that commit are used
    /// up (an explicit request); needs `OPENAI_API_KEY` but not `DISPATCHER_PROPOSE_FIXES`.
    /// - Throws: ``ConfigurationError`` when no key is set or the repository is not managed; store errors.
    public func proposeFix(
        for repository: RepositoryName, toolchain: Toolchain? = nil, observer: (@Sendable (CycleEvent) -> Void)? = nil
    ) async throws -> ProposalRun {
        guard chatClient() != nil else {
            throw ConfigurationError(
                .invalidValue, location: "OPENAI_API_KEY", found: "no key",
                accepted: "a key for the chat-completions endpoint at \(configuration.openAIAPIBase.absoluteString)")
        }
        let manifest = try Manifest.load(at: root.manifestFile)
        let all = managedRepositories(manifest: manifest)
        guard all.contains(repository) else {
            throw ConfigurationError(
                .invalidRepositoryName, location: "--propose",
                found: "'\(repository)', which this root does not manage",
                accepted: all.isEmpty ? "no repository (repos/ is empty)" : all.map(\.rawValue).joined(separator: ", "))
        }
        guard let last = try store.repositoryStates()[repository.rawValue]?.lastBuild else {
            return ProposalRun(
                repository: repository.rawValue, commit: nil, attempts: [], feedback: [], fixed: false,
                stopped: false, summary: "no build of \(repository) is recorded yet; run `deployctl run-once` first")
        }
        guard last.buildResult == .failed, last.head != nil else {
            return ProposalRun(
                repository: repository.rawValue, commit: last.head, attempts: [], feedback: [], fixed: false,
                stopped: false,
                summary: "the last build of \(repository) (\(last.head?.prefix(10) ?? "?")) is "
                    + "\(last.buildResult?.rawValue ?? "unknown"), not failed: nothing to fix")
        }
        let located: Toolchain
        if let toolchain { located = toolchain } else { located = try await locateToolchain() }
        return try await proposeFixes(
            for: last, newAttempts: configuration.proposeAttempts, toolchain: located, logFile: nil,
            observer: observer)
    }

    /// The attempt loop for one red build record.
    /// - Parameter newAttempts: attempts to make now; `nil` for what is left of the limit for that commit.
    func proposeFixes(
        for red: RepositoryCycleRecord, newAttempts: Int?, toolchain: Toolchain, logFile: URL?,
        observer: (@Sendable (CycleEvent) -> Void)?
    ) async throws -> ProposalRun {
        let name = red.repository
        guard let commit = red.head, let client = chatClient() else {
            return ProposalRun(
                repository: name, commit: red.head, attempts: [], feedback: [], fixed: false, stopped: false,
                summary: "no key")
        }
        guard configuration.verifyFeedback else {
            // A model's patch is never a trusted source: without verification nothing is proposed.
            return ProposalRun(
                repository: name, commit: commit, attempts: [], feedback: [], fixed: false, stopped: false,
                summary: "DISPATCHER_VERIFY_FEEDBACK=0: proposed fixes need verification; none proposed")
        }
        let limit = max(1, configuration.proposeAttempts)
        let inbox = FeedbackInbox(directory: root.feedback)
        var existing = try store.proposalAttempts(repository: name, commit: commit).map { refreshed($0, inbox: inbox) }
        for attempt in existing { try store.saveProposalAttempt(attempt) }
        var run = ProposalRun(
            repository: name, commit: commit, attempts: [], feedback: [], fixed: false, stopped: false, summary: "")
        if existing.contains(where: { $0.outcome == .applied }) {
            run.fixed = true
            run.summary = "a proposed fix for \(commit.prefix(10)) was already published"
            return run
        }
        if let open = existing.first(where: { $0.outcome == .proposed || $0.outcome == .deferred }) {
            run.summary = "\(open.file ?? "a proposal") for \(commit.prefix(10)) is still being processed"
            return run
        }
        let count = newAttempts ?? (limit - existing.count)
        guard count > 0 else {
            run.stopped = true
            run.summary = "stopped proposing for \(commit.prefix(10)): \(existing.count) of \(limit) attempts made"
            return run
        }
        let manifest = try Manifest.load(at: root.manifestFile)
        guard let repository = feedbackTargets(manifest: manifest).first(where: { $0.name == name }) else {
            run.summary = "\(name) is not a git checkout on a branch; no fix proposed"
            return run
        }
        let report =
            red.reportJSON.flatMap { try? JSONDecoder().decode(BuildReport.self, from: Data($0.utf8)) }
            ?? BuildReport()
        let green = try store.lastGreenBuild(repository: name)?.head
        let changes = green.flatMap { green in
            green == commit
                ? nil
                : Self.changes(
                    in: repository.directory, from: green, to: commit, limit: configuration.proposePromptBytes)
        }
        var previous = existing.filter { $0.outcome == .rejected }.compactMap { attempt in
            attempt.file.flatMap { PreviousProposal.load(file: $0, attempt: attempt.attempt, inbox: inbox) }
        }
        let proposer = FixProposer(
            client: client, feedbackDirectory: root.feedback, promptBudget: configuration.proposePromptBytes,
            secrets: configuration.secrets, logger: logger)
        let first = (existing.map(\.attempt).max() ?? 0) + 1
        let probe = FixRequest(
            repository: repository, commit: commit, report: report, changesSinceGreen: changes, greenCommit: green)
        guard !FixPrompt.make(for: probe, budget: configuration.proposePromptBytes).files.isEmpty else {
            // A diff could only touch files the report does not involve: asking would spend the attempts for nothing.
            run.summary = "the build report of \(commit.prefix(10)) locates no error or failing test in \(name); "
                + "no fix proposed"
            logger.info("\(run.summary)", metadata: ["deploy.repo": "\(name)"])
            return run
        }
        for number in first..<(first + count) {
            if Task.isCancelled { break }
            let request = FixRequest(
                repository: repository, commit: commit, report: report, result: red.buildResult ?? .failed,
                log: red.log, changesSinceGreen: changes, greenCommit: green, attempt: number, previous: previous)
            let proposal = await proposer.propose(request)
            var record = ProposalAttemptRecord(
                repository: name, commit: commit, attempt: number, limit: limit, file: proposal.file,
                outcome: .proposed, detail: "", model: proposal.model)
            var done = false
            switch proposal.outcome {
            case .failed(let error):
                record.file = nil
                record.outcome = .failed
                record.detail = error.description
                done = true
            case .rejected(let rejection, _):
                record.outcome = .rejected
                record.detail = "\(rejection.stage): \(rejection.message)"
                let event = FeedbackEventRecord(
                    repository: name, file: proposal.file, feedbackID: proposal.id, outcome: .rejected, commit: nil,
                    detail: record.detail)
                observer?(.feedback(file: event.file, outcome: event.outcome, detail: event.detail))
                run.feedback.append(event)
            case .written(let url):
                try store.saveProposalAttempt(record)
                let events = try await processFeedback(
                    files: [url], toolchain: toolchain, logFile: logFile, observer: observer)
                run.feedback += events
                let event = events.last { $0.file == proposal.file }
                record.updatedAt = Date()
                record.detail = event?.detail ?? "not processed"
                switch event?.outcome {
                case .applied?:
                    record.outcome = .applied
                    run.fixed = true
                    done = true
                case .rejected?:
                    record.outcome = .rejected
                default:
                    record.outcome = .deferred
                    done = true
                }
            }
            record.updatedAt = Date()
            try store.saveProposalAttempt(record)
            run.attempts.append(record)
            existing.append(record)
            if done { break }
            if let rejected = PreviousProposal.load(file: proposal.file, attempt: number, inbox: inbox) {
                previous.append(rejected)
            }
        }
        let made = existing.count
        if run.fixed {
            run.summary = "attempt \(run.attempts.last?.attempt ?? made) fixed \(commit.prefix(10)) and was published"
        } else if newAttempts == nil, made >= limit,
            !existing.contains(where: { $0.outcome == .proposed || $0.outcome == .deferred })
        {
            run.stopped = true
            run.summary = "stopped proposing for \(commit.prefix(10)) after \(made) attempts without a fix"
            logger.notice(
                "\(run.summary)", metadata: ["deploy.repo": "\(name)", "deploy.proposal.commit": "\(commit)"])
        } else {
            run.summary =
                run.attempts.last.map { "attempt \($0.attempt): \($0.outcome.rawValue): \($0.detail)" }
                ?? "no attempt made"
        }
        return run
    }

    /// A `proposed` attempt whose file has since reached `applied/` or `rejected/`, with that outcome.
    func refreshed(_ attempt: ProposalAttemptRecord, inbox: FeedbackInbox) -> ProposalAttemptRecord {
        guard attempt.outcome == .proposed || attempt.outcome == .deferred, let file = attempt.file else {
            return attempt
        }
        let stem = file.hasSuffix(".json") ? String(file.dropLast(5)) : file
        var updated = attempt
        if FileManager.default.fileExists(
            atPath: inbox.appliedDirectory.appendingPathComponent(stem + ".result.json").path)
        {
            updated.outcome = .applied
            updated.detail = "applied (by the feedback path)"
        } else if FileManager.default.fileExists(
            atPath: inbox.rejectedDirectory.appendingPathComponent(stem + ".reason.json").path)
        {
            updated.outcome = .rejected
            updated.detail = "rejected (by the feedback path)"
        } else if FileManager.default.fileExists(atPath: inbox.directory.appendingPathComponent(file).path)
            || FileManager.default.fileExists(atPath: inbox.inflightDirectory.appendingPathComponent(file).path)
        {
            return attempt
        } else {
            // Removed by hand (or its record was): counted as rejected, so that it does not block the commit.
            updated.outcome = .rejected
            updated.detail = "the proposal file is no longer in feedback/"
        }
        updated.updatedAt = Date()
        return updated
    }

    /// The patch between commits `from` and `to` of the repository holding `directory` (what `git diff FROM TO`
    /// prints), cut at `limit` bytes on a line boundary; `nil` when either commit cannot be read (the prompt then
    /// goes without it).
    static func changes(in directory: URL, from: String, to: String, limit: Int) -> String? {
        guard let from = ObjectID(hex: from), let to = ObjectID(hex: to),
            let repository = try? GitRepository.discover(containing: directory),
            let (text, truncated) = try? repository.patch(from: from, to: to, limit: limit)
        else { return nil }
        let patch = truncated ? text + "[… the diff goes on]\n" : text
        return patch.isEmpty ? nil : patch
    }
}
