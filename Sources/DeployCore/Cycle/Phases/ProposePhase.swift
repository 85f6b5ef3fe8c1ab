import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging

/// The cycle's proposal phase (`DISPATCHER_PROPOSE_FIXES=1`), and `apply-feedback --propose`: for a repository whose
/// head built red — or built green and failed its rollout (its evidence offered like a red build's report) — the
/// model is asked for fixes until one is published or `DISPATCHER_PROPOSE_ATTEMPTS` attempts for that commit are
/// used up. Each proposal is a feedback file, verified and published by the same ``FeedbackPhase``
/// as any other.
struct ProposePhase: Sendable {
    let context: CycleContext
    let client: any ChatModel
    let feedback: FeedbackPhase

    /// What a fix is asked for: a red build, or a green revision whose rollout failed.
    struct Subject: Sendable {
        var repository: String
        var commit: String?
        var report: BuildReport
        var result: RecordedBuildResult
        var log: String?
        /// The failed rollout's evidence (its report's text); nil for a red build.
        var rolloutEvidence: String?
        /// The last healthy release, the base of the diff shown for a failed rollout; nil for a red build (whose
        /// base is the last green build).
        var healthyRevision: String?
        /// When the red build (or the failed rollout) finished: where the fix ledger's time to green starts.
        var redAt: Date

        /// A red build.
        init(red: RepositoryCycleRecord) {
            repository = red.repository
            commit = red.head
            report = red.reportJSON.flatMap { try? JSONDecoder().decode(BuildReport.self, from: Data($0.utf8)) }
                ?? BuildReport()
            result = red.buildResult ?? .failed
            log = red.log
            redAt = red.finishedAt
        }

        /// A revision that built green and was rolled back (or left the repository failed).
        init(rollout: DeploymentRecord, evidence: String) {
            repository = rollout.repository
            commit = rollout.revision
            report = BuildReport()
            result = .passed
            log = rollout.report
            rolloutEvidence = evidence
            healthyRevision = rollout.previousRevision
            redAt = rollout.finishedAt
        }
    }

    /// For each record whose head built red (this cycle, or unchanged since a red build), and each repository whose
    /// head built green but failed its rollout, what is left of the automatic attempts for that commit.
    /// - Returns: the feedback events of the proposal files, for the cycle record.
    func run(for records: [RepositoryCycleRecord]) async -> [FeedbackEventRecord] {
        var events: [FeedbackEventRecord] = []
        let rollouts = failedRollouts(at: records)
        for record in records {
            if Task.isCancelled { break }
            let red: RepositoryCycleRecord?
            switch record.outcome {
            case .built: red = record
            case .unchanged: red = context.previous[record.repository]?.lastBuild
            default: red = nil
            }
            let subject: Subject
            if let red, red.buildResult == .failed, red.head != nil, red.head == record.head {
                subject = Subject(red: red)
            } else if let rollout = rollouts[record.repository] {
                subject = rollout
            } else {
                continue
            }
            do {
                events += try await attempt(subject, newAttempts: nil).feedback
            } catch {
                context.logger.error("fixes could not be proposed for \(record.repository): \(error)")
            }
        }
        return events
    }

    /// The failed rollouts whose revision is still the repository's head, by repository: the newest rollout of each
    /// repository with a `deploy` block, when it was rolled back or failed and its report can be read.
    func failedRollouts(at records: [RepositoryCycleRecord]) -> [String: Subject] {
        let heads = Dictionary(records.compactMap { record in record.head.map { (record.repository, $0) } }) { $1 }
        let deployed = Set(context.manifest.repositories.filter { $0.deploy != nil }.map(\.name.rawValue))
        guard !deployed.isEmpty, let history = try? context.store.deployments(repository: nil, limit: 200) else {
            return [:]
        }
        var subjects: [String: Subject] = [:]
        var seen = Set<String>()
        for rollout in history where deployed.contains(rollout.repository) && seen.insert(rollout.repository).inserted {
            guard rollout.outcome != .healthy, heads[rollout.repository] == rollout.revision,
                let report = rollout.report,
                let data = FileManager.default.contents(atPath: report), data.count <= 1 << 20
            else { continue }
            subjects[rollout.repository] = Subject(rollout: rollout, evidence: String(decoding: data, as: UTF8.self))
        }
        return subjects
    }

    /// The attempt loop for one red build record.
    /// - Parameter newAttempts: attempts to make now; `nil` for what is left of the limit for that commit.
    /// - Throws: ``DispatcherError`` (`store`, or `feedback` when a proposal file could not be processed at all).
    func attempt(_ red: RepositoryCycleRecord, newAttempts: Int?) async throws(DispatcherError) -> ProposalRun {
        try await attempt(Subject(red: red), newAttempts: newAttempts)
    }

    /// The attempt loop for one red build or failed rollout.
    func attempt(_ red: Subject, newAttempts: Int?) async throws(DispatcherError) -> ProposalRun {
        let name = red.repository
        let configuration = context.configuration
        let store = context.store
        guard let commit = red.commit else {
            return ProposalRun(
                repository: name, commit: nil, attempts: [], feedback: [], fixed: false, stopped: false,
                summary: "no commit")
        }
        guard configuration.verifyFeedback else {
            // A model's patch is never a trusted source: without verification nothing is proposed.
            return ProposalRun(
                repository: name, commit: commit, attempts: [], feedback: [], fixed: false, stopped: false,
                summary: "DISPATCHER_VERIFY_FEEDBACK=0: proposed fixes need verification; none proposed")
        }
        var limit = max(1, configuration.proposeAttempts)
        // A red commit that an applied proposal produced gets one further proposal at most, and none when that
        // proposal was itself the further one: no chain of fixes for fixes.
        let ledger = try store.fixes(repository: name)
        func producer(of commit: String?) -> FixRecord? {
            ledger.first { $0.source == .proposal && $0.outcome == .applied && $0.commit != nil && $0.commit == commit }
        }
        var chained: String?
        if let made = producer(of: commit) {
            limit = 1
            if producer(of: made.redCommit) != nil {
                chained = "\(commit.prefix(10)) came from a proposal that fixed a proposal's red commit "
                    + "(\(made.redCommit?.prefix(10) ?? "?")); a fix's fix gets no further proposal"
            }
        }
        let inbox = FeedbackInbox(directory: context.root.feedback)
        let recorded = try store.proposalAttempts(repository: name, commit: commit).map { $0.refreshed(in: inbox) }
        for attempt in recorded { try store.saveProposalAttempt(attempt) }
        // A stop is not an attempt: it is replaced by the next attempt once its reason is gone (a day's spending
        // out of the window), so it counts toward no limit.
        var existing = recorded.filter { $0.outcome != .stopped }
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
        guard let repository = feedback.repositories.first(where: { $0.name == name }) else {
            run.summary = "\(name) is not a git checkout on a branch; no fix proposed"
            return run
        }
        let report = red.report
        // A failed rollout's revision built green itself: its diff is shown from the last healthy release.
        let green = red.rolloutEvidence != nil ? red.healthyRevision : try store.lastGreenBuild(repository: name)?.head
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
            client: client, feedbackDirectory: context.root.feedback, promptBudget: configuration.proposePromptBytes,
            secrets: configuration.secrets, price: Self.price(configuration), logger: context.logger)
        let first = (existing.map(\.attempt).max() ?? 0) + 1
        let probe = FixRequest(
            repository: repository, commit: commit, report: report, changesSinceGreen: changes, greenCommit: green,
            rolloutEvidence: red.rolloutEvidence)
        guard !FixPrompt.make(for: probe, budget: configuration.proposePromptBytes).files.isEmpty else {
            // A diff could only touch files the report does not involve: asking would spend the attempts for nothing.
            run.summary = "the build report of \(commit.prefix(10)) locates no error or failing test in \(name); "
                + "no fix proposed"
            context.logger.info("\(run.summary)", metadata: ["deploy.repo": "\(name)"])
            return run
        }
        for number in first..<(first + count) {
            if Task.isCancelled { break }
            let reason: String?
            if let chained { reason = chained } else { reason = try stopReason(red, commit: commit) }
            if let reason {
                let stop = ProposalAttemptRecord(
                    repository: name, commit: commit, attempt: number, limit: limit, file: nil, outcome: .stopped,
                    detail: reason, model: client.model)
                // Said once: a stop that stands, cycle after cycle, is the same record.
                if recorded.last?.outcome != .stopped || recorded.last?.detail != reason {
                    try store.saveProposalAttempt(stop)
                    DispatcherMetrics.record(proposal: .stopped)
                    context.logger.notice(
                        "stopped proposing for \(commit.prefix(10)): \(reason)",
                        metadata: ["deploy.repo": "\(name)", "deploy.proposal.commit": "\(commit)"])
                }
                run.attempts.append(stop)
                run.stopped = true
                run.summary = "stopped proposing for \(commit.prefix(10)): \(reason)"
                DispatcherMetrics.record(fixes: store)
                return run
            }
            let request = FixRequest(
                repository: repository, commit: commit, report: report, result: red.result, log: red.log,
                changesSinceGreen: changes, greenCommit: green, attempt: number, previous: previous,
                rolloutEvidence: red.rolloutEvidence)
            let proposal = await proposer.propose(request)
            var record = ProposalAttemptRecord(
                repository: name, commit: commit, attempt: number, limit: limit, file: proposal.file,
                outcome: .proposed, detail: "", model: proposal.model)
            var fix = FixRecord(
                file: proposal.file, id: proposal.id, repository: name, source: .proposal, redCommit: commit,
                redAt: red.redAt, model: proposal.model, attempt: number,
                promptTokens: proposal.usage?.promptTokens ?? 0, completionTokens: proposal.usage?.completionTokens ?? 0,
                cost: proposal.usage.flatMap { usage in proposer.price.map { $0.cost(of: usage) } } ?? 0,
                outcome: .proposed)
            let done: Bool
            switch proposal.outcome {
            case .failed(let error):
                record.file = nil
                record.outcome = .failed
                record.detail = error.description
                fix.outcome = .failed
                try store.saveFix(fix)
                done = true
            case .rejected(let rejection, _):
                record.outcome = .rejected
                record.detail = "\(rejection.stage): \(rejection.message)"
                fix.outcome = .rejected
                try store.saveFix(fix)
                let event = FeedbackEventRecord(
                    repository: name, file: proposal.file, feedbackID: proposal.id, outcome: .rejected, commit: nil,
                    detail: record.detail)
                context.observer?(.feedback(file: event.file, outcome: event.outcome, detail: event.detail))
                run.feedback.append(event)
                done = false
            case .written(let url):
                try store.saveProposalAttempt(record)
                // The ledger's entry first (source, tokens, cost); the feedback path then records its outcome.
                try store.saveFix(fix)
                let events: [FeedbackEventRecord]
                do { events = try await feedback.run(files: [url]) } catch { throw Dispatcher.feedbackError(error) }
                run.feedback += events
                let event = events.last { $0.file == proposal.file }
                record.detail = event?.detail ?? "not processed"
                switch event?.outcome {
                case .applied?:
                    record.outcome = .applied
                    run.fixed = true
                    done = true
                case .rejected?:
                    record.outcome = .rejected
                    done = false
                default:
                    record.outcome = .deferred
                    done = true
                }
            }
            record.updatedAt = Date()
            try store.saveProposalAttempt(record)
            DispatcherMetrics.record(proposal: record.outcome)
            run.attempts.append(record)
            existing.append(record)
            if done { break }
            if let rejected = PreviousProposal.load(file: proposal.file, attempt: number, inbox: inbox) {
                previous.append(rejected)
            }
        }
        finish(&run, commit: commit, made: existing, limit: limit, automatic: newAttempts == nil)
        DispatcherMetrics.record(fixes: store)
        return run
    }

    /// The model's prices, when any is configured.
    static func price(_ configuration: DispatcherConfiguration) -> ModelPrice? {
        guard configuration.modelPricePrompt > 0 || configuration.modelPriceCompletion > 0 else { return nil }
        return ModelPrice(
            promptPerMillion: configuration.modelPricePrompt, completionPerMillion: configuration.modelPriceCompletion)
    }

    /// Why no further attempt may be made for `commit`, or nil: a token budget reached
    /// (`DISPATCHER_PROPOSE_MAX_TOKENS` on this commit, `DISPATCHER_PROPOSE_DAILY_TOKENS` on the root in the last
    /// 24 hours), or the last two attempts made no progress.
    func stopReason(_ red: Subject, commit: String) throws(DispatcherError) -> String? {
        let configuration = context.configuration
        let store = context.store
        if configuration.proposeMaxTokens > 0 {
            let spent = try store.proposalTokens(repository: red.repository, redCommit: commit, since: nil)
            if spent >= configuration.proposeMaxTokens {
                return "the token budget per red commit is spent (\(spent) of \(configuration.proposeMaxTokens) "
                    + "tokens, DISPATCHER_PROPOSE_MAX_TOKENS)"
            }
        }
        if configuration.proposeDailyTokens > 0 {
            let spent = try store.proposalTokens(
                repository: nil, redCommit: nil, since: Date().addingTimeInterval(-86_400))
            if spent >= configuration.proposeDailyTokens {
                return "the daily token budget is spent (\(spent) of \(configuration.proposeDailyTokens) tokens "
                    + "in the last 24 hours, DISPATCHER_PROPOSE_DAILY_TOKENS)"
            }
        }
        let attempts = try store.fixes(repository: red.repository).filter {
            $0.source == .proposal && $0.redCommit == commit && $0.outcome == .rejected
        }.sorted { $0.attempt < $1.attempt }
        let baseline = red.rolloutEvidence == nil ? FixRecord.problems(in: red.report) : nil
        if let (before, after) = Self.twoWithoutProgress(attempts, baseline: baseline) {
            return "the last two attempts made no progress (\(before) distinct errors and failed tests, then "
                + "\(after.map(String.init).joined(separator: ", then ")))"
        }
        return nil
    }

    /// Whether the last two of `attempts` (rejected proposals, in order) that were built each made no progress: its
    /// verification showed as many distinct errors and failed tests as the built attempt before it (the red build
    /// for the first), or more. An attempt refused before a build (no diff, a denied path) is not judged: the attempt
    /// limit bounds those. Returns the count before the two and theirs.
    static func twoWithoutProgress(_ attempts: [FixRecord], baseline: Int?) -> (Int, [Int])? {
        var previous = baseline
        var before = baseline
        var streak: [Int] = []
        for attempt in attempts {
            guard let problems = attempt.problems else { continue }
            if let last = previous, problems >= last {
                if streak.isEmpty { before = last }
                streak.append(problems)
            } else {
                streak = []
            }
            previous = problems
        }
        guard streak.count >= 2, let before else { return nil }
        return (before, Array(streak.suffix(2)))
    }

    /// Gives the run its one-sentence summary, and marks it stopped when the automatic attempts for the commit are
    /// used up without a fix.
    private func finish(
        _ run: inout ProposalRun, commit: String, made existing: [ProposalAttemptRecord], limit: Int, automatic: Bool
    ) {
        let made = existing.count
        if run.fixed {
            run.summary = "attempt \(run.attempts.last?.attempt ?? made) fixed \(commit.prefix(10)) and was published"
        } else if automatic, made >= limit,
            !existing.contains(where: { $0.outcome == .proposed || $0.outcome == .deferred })
        {
            run.stopped = true
            run.summary = "stopped proposing for \(commit.prefix(10)) after \(made) attempts without a fix"
            context.logger.notice(
                "\(run.summary)", metadata: ["deploy.repo": "\(run.repository)", "deploy.proposal.commit": "\(commit)"])
        } else {
            run.summary =
                run.attempts.last.map { "attempt \($0.attempt): \($0.outcome.rawValue): \($0.detail)" }
                ?? "no attempt made"
        }
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
