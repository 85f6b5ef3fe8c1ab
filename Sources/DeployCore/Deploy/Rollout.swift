import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging

/// Rolls one repository's release out: `deploy/current/NAME` switched to the target's release, the deploy command
/// run in it, the health gate; when the target fails, the previous healthy release switched back, its command and
/// its gate, and the target blocked for good.
///
/// Each step is written to the repository's ``RolloutJournal`` before it runs, so that a run killed anywhere in a
/// rollout is finished by the next one (``resume(_:)``): a switch whose command may not have ended runs the command
/// again (deploy commands restart services, which is safe to repeat), a gate that was probing probes again.
struct Rollout: Sendable {
    let root: DeployRoot
    let repository: RepositoryName
    let settings: DeploySettings
    /// Rollouts and their states; the fix ledger, whose fixes a rollback marks.
    let store: any StateStore
    let runner: StepRunner
    /// Redacted from the command's output, the probes and the report.
    let secrets: [String]
    /// The manifest's `env` names, passed to the command and a health command.
    let inheritedVariables: [String]
    /// How long the deploy command may run (`DISPATCHER_STEP_TIMEOUT`).
    let commandTimeout: Duration
    let logger: Logger
    let faults: FaultInjection

    var releases: ReleaseFolders { ReleaseFolders(root: root, repository: repository) }
    /// Where the deploy commands' output goes: `deploy/logs/deploy-NAME.log`, appended.
    var logFile: URL { root.logs.appendingPathComponent("deploy-\(repository.rawValue).log") }

    /// What one activation of a release (switch, command, gate) saw.
    private struct Activation {
        var commandSeconds: Double?
        var commandOutput: [String] = []
        var gate: HealthGate.Result?
        /// Why the release is not healthy; nil when it is.
        var failure: String?
    }

    /// Rolls `target` out (its release must exist), returning to the current healthy release if it fails.
    /// - Parameters:
    ///   - state: the repository's deployment state before (nil when it never deployed).
    ///   - trigger: `cycle` or `deploy` (`deployctl deploy NAME`).
    /// - Returns: the finished rollout; nil when the calling task was cancelled before it could be judged (the
    ///   journal stays, and the next run finishes it).
    /// - Throws: ``DispatcherError`` with code `store` when the journal cannot be written (nothing was switched then).
    func deploy(target: String, tree: String?, state: DeploymentState?, trigger: DeploymentRecord.Trigger)
        async throws(DispatcherError) -> DeploymentRecord?
    {
        var state = state ?? DeploymentState(repository: repository.rawValue, state: .deploying)
        let fallback = Self.fallback(of: state, excluding: target).flatMap { releases.exists($0) ? $0 : nil }
        state.journal = RolloutJournal(
            target: target, targetTree: tree, fallback: fallback, step: .switched, trigger: trigger)
        return try await run(state)
    }

    /// Makes the kept release `target` current by hand (`deployctl rollback`): the current revision is blocked,
    /// and when `target` fails its gate nothing else is tried (the repository is `failed`).
    func rollBack(to target: String, state: DeploymentState?) async throws(DispatcherError) -> DeploymentRecord? {
        var state = state ?? DeploymentState(repository: repository.rawValue, state: .deploying)
        if let current = state.revision, current != target, !state.blockedRevisions.contains(current) {
            state.blockedRevisions.append(current)
        }
        state.journal = RolloutJournal(
            target: target, targetTree: try previousTree(of: target), fallback: nil, step: .switched,
            trigger: .rollback)
        return try await run(state)
    }

    /// Finishes the rollout a crash interrupted (the state's journal), from the step it had reached.
    func resume(_ state: DeploymentState) async throws(DispatcherError) -> DeploymentRecord? {
        guard state.journal != nil else { return nil }
        logger.notice(
            "resuming the interrupted rollout of \(state.journal!.target.prefix(12)) at \(state.journal!.step.rawValue)",
            metadata: ["deploy.repo": "\(repository)"])
        return try await run(state, resumed: true)
    }

    /// The healthy release a rollout of `target` returns to: the current revision when it is healthy (the one
    /// before it when `target` is the current one), the previous one when the repository had failed.
    static func fallback(of state: DeploymentState, excluding target: String) -> String? {
        let candidate: String? =
            switch state.state {
            // Rolling the current revision out again (`deployctl deploy`) returns to the one before it.
            case .healthy, .rolledBack: state.revision == target ? state.previousRevision : state.revision
            case .deploying, .failed: state.previousRevision
            }
        return candidate == target ? nil : candidate
    }

    // MARK: The steps

    private func run(_ initial: DeploymentState, resumed: Bool = false) async throws(DispatcherError)
        -> DeploymentRecord?
    {
        var state = initial
        guard var journal = state.journal else { preconditionFailure("run needs a journal") }
        let before = (initial.revision != journal.target ? initial.revision : nil) ?? journal.fallback
        var target = Activation()
        if journal.step == .switched || journal.step == .gating {
            state.state = .deploying
            state.revision = journal.target
            state.tree = journal.targetTree
            state.previousRevision = journal.fallback
            target = try await activate(
                journal.target, previous: before, gateOnly: journal.step == .gating,
                gatingStep: .gating, state: &state, journal: &journal, switchedPoint: .rolloutSwitched)
            // Stopped (the loop shutting down) before the release could be judged: not a failure of the release.
            if target.failure != nil, Task.isCancelled { return nil }
            if target.failure == nil {
                return try finish(
                    state, journal: journal, outcome: .healthy, revision: journal.target, target: target,
                    rollback: nil, resumed: resumed)
            }
            journal.failure = target.failure
            journal.step = .rollingBack
            if !state.blockedRevisions.contains(journal.target) { state.blockedRevisions.append(journal.target) }
            state.journal = journal
            try store.saveDeploymentState(state)
        }
        // The target failed: back to the fallback, if there is one.
        guard let fallback = journal.fallback, releases.exists(fallback) else {
            return try finish(
                state, journal: journal, outcome: .failed, revision: journal.target, target: target, rollback: nil,
                resumed: resumed,
                note: journal.fallback == nil
                    ? "no earlier healthy release to return to"
                    : "the release of \(journal.fallback!.prefix(12)) is no longer on disk")
        }
        let rollback = try await activate(
            fallback, previous: journal.target, gateOnly: journal.step == .gatingRollback,
            gatingStep: .gatingRollback, state: &state, journal: &journal, switchedPoint: .rollbackSwitched)
        if rollback.failure != nil, Task.isCancelled { return nil }
        return try finish(
            state, journal: journal, outcome: rollback.failure == nil ? .rolledBack : .failed,
            revision: journal.target, target: target, rollback: rollback, resumed: resumed)
    }

    /// Switches `current` to `revision` (unless only its gate is left), runs the command, then the gate.
    private func activate(
        _ revision: String, previous: String?, gateOnly: Bool, gatingStep: RolloutJournal.Step,
        state: inout DeploymentState, journal: inout RolloutJournal, switchedPoint: FaultPoint
    ) async throws(DispatcherError) -> Activation {
        var activation = Activation()
        let folder = releases.release(revision)
        var facts = [
            "DEPLOYCTL_REPOSITORY": repository.rawValue, "DEPLOYCTL_REVISION": revision,
            "DEPLOYCTL_RELEASE": folder.path,
        ]
        facts["DEPLOYCTL_PREVIOUS_REVISION"] = previous ?? ""
        if !gateOnly {
            state.journal = journal
            try store.saveDeploymentState(state)
            do { try releases.switchCurrent(to: revision) } catch {
                activation.failure = error.found
                return activation
            }
            faults.reach(switchedPoint)
            let command = await runCommand(in: folder, facts: facts)
            activation.commandSeconds = command.seconds
            activation.commandOutput = command.output
            if let failure = command.failure {
                activation.failure = failure
                return activation
            }
            journal.step = gatingStep
            state.journal = journal
            try store.saveDeploymentState(state)
        }
        faults.reach(.rolloutGating)
        let gate = await HealthGate(
            settings: settings, runner: runner, secrets: secrets, inheritedVariables: inheritedVariables,
            logger: logger
        ).run(release: folder, facts: facts)
        activation.gate = gate
        if !gate.healthy {
            activation.failure = "the health gate saw no healthy answer within \(Int(settings.timeout)) s"
        }
        return activation
    }

    /// Runs the deploy command in `folder`: the manifest's `command`, else the restart script of `commands/`.
    private func runCommand(in folder: URL, facts: [String: String]) async -> (
        seconds: Double, output: [String], failure: String?
    ) {
        let invocation: [String]
        let shown: String
        if let command = settings.command {
            invocation = command
            shown = command.joined(separator: " ")
        } else if let script = RestartCommand.resolve(commandsDirectory: root.commands, repository: repository.rawValue),
            let resolved = StepRestartRunner.invocation(
                of: script.script, searchPath: ProcessInfo.processInfo.environment["PATH"])
        {
            invocation = resolved
            shown = script.displayPath
        } else {
            return (0, [], "no deploy command: the deploy block has no 'command' and neither "
                + "commands/restart-\(repository).sh nor commands/restart-services.sh exists")
        }
        let log: BuildLogFile
        do {
            try FileManager.default.createDirectory(at: root.logs, withIntermediateDirectories: true)
            log = try BuildLogFile(appendingTo: logFile)
        } catch {
            return (0, [], "cannot open \(logFile.path): \(error)")
        }
        defer { log.close() }
        let step = BuildStep(
            name: "deploy", command: invocation, workingDirectory: folder, environment: facts,
            inheritedVariables: inheritedVariables, timeout: commandTimeout, ownership: .independent)
        let outcome = await runner.run(step, log: log, repository: repository.rawValue, redacting: secrets)
        let failure: String? =
            switch outcome.result {
            case .passed: nil
            case .failed(let status): "\(shown) ended with \(status)"
            case .timedOut: "\(shown) timed out after \(Int(commandTimeout.seconds)) s"
            case .cancelled: "\(shown) was cancelled"
            case .skipped(let reason), .notStarted(message: let reason): "\(shown) could not start: \(reason)"
            }
        return (outcome.duration.seconds, outcome.lastLines, failure)
    }

    // MARK: Recording

    private func finish(
        _ state: DeploymentState, journal: RolloutJournal, outcome: DeploymentRecord.Outcome, revision: String,
        target: Activation, rollback: Activation?, resumed: Bool, note: String? = nil
    ) throws(DispatcherError) -> DeploymentRecord {
        let serving = state.revision
        var state = state
        let now = Date()
        var record = DeploymentRecord(
            repository: repository.rawValue, revision: revision, tree: journal.targetTree,
            previousRevision: journal.fallback, trigger: journal.trigger, outcome: outcome,
            startedAt: journal.startedAt, finishedAt: now, commandSeconds: target.commandSeconds,
            healthSeconds: target.gate?.seconds,
            rolledBackTo: outcome == .rolledBack ? journal.fallback : nil,
            rollbackSeconds: rollback.map { ($0.commandSeconds ?? 0) + ($0.gate?.seconds ?? 0) },
            failure: [journal.failure ?? target.failure, note, rollback?.failure.map { "the rollback failed too: \($0)" }]
                .compactMap { $0 }.joined(separator: "; ").nilIfEmpty,
            lastProbe: (rollback?.gate ?? target.gate)?.lastProbes.last)
        record.resumed = resumed
        state.journal = nil
        state.at = now
        switch outcome {
        case .healthy:
            state.state = journal.trigger == .rollback ? .rolledBack : .healthy
            state.revision = revision
            state.tree = journal.targetTree
            state.previousRevision = journal.trigger == .rollback ? try previousHealthy(before: revision) : journal.fallback
            state.healthSeconds = target.gate?.seconds
            state.failedRevision = nil
        case .rolledBack:
            state.state = .rolledBack
            state.revision = journal.fallback
            state.tree = try previousTree(of: journal.fallback!)
            state.previousRevision = try previousHealthy(before: journal.fallback!)
            state.healthSeconds = rollback?.gate?.seconds
            state.failedRevision = nil
        case .failed:
            state.state = .failed
            state.revision = releases.current()
            state.previousRevision = nil
            state.healthSeconds = (rollback?.gate ?? target.gate)?.seconds
            state.failedRevision = revision
        }
        if outcome != .healthy {
            record.report = writeReport(record, target: target, rollback: rollback)
            state.report = record.report
            logger.error(
                "rollout of \(revision.prefix(12)) \(outcome): \(record.failure ?? "")",
                metadata: ["deploy.repo": "\(repository)"])
        } else {
            logger.notice(
                "deployed \(revision.prefix(12)): \(target.gate?.summary ?? "healthy")",
                metadata: ["deploy.repo": "\(repository)"])
        }
        try store.recordDeployment(record, state: state)
        DispatcherMetrics.record(record)
        // A fix whose commit failed its rollout, or that an operator rolled back from, no longer stands.
        let abandoned = outcome != .healthy ? revision : journal.trigger == .rollback ? serving : nil
        if let abandoned, abandoned != state.revision,
            try store.markFixesReverted(
                repository: repository.rawValue, commit: abandoned,
                reason: "rolled back (\(journal.trigger) at \(now.formatted(.iso8601)))") > 0
        {
            DispatcherMetrics.record(fixes: store)
        }
        let protected = Set([state.revision, state.previousRevision].compactMap { $0 })
        let removed = releases.prune(keep: settings.keep, protecting: protected)
        if !removed.isEmpty {
            logger.debug("removed \(removed.count) old releases", metadata: ["deploy.repo": "\(repository)"])
        }
        return record
    }

    /// The revision that was healthy before `revision` was last deployed healthy (from the history).
    private func previousHealthy(before revision: String) throws(DispatcherError) -> String? {
        try store.deployments(repository: repository.rawValue, limit: 200)
            .first { $0.revision == revision && $0.outcome == .healthy }?.previousRevision
    }

    /// The tree recorded for `revision`'s last rollout.
    private func previousTree(of revision: String) throws(DispatcherError) -> String? {
        try store.deployments(repository: repository.rawValue, limit: 200).first { $0.revision == revision }?.tree
    }

    /// The evidence of a failed rollout, next to the cycle logs: `deploy/logs/rollout-NAME-SHORT-STAMP.md`.
    private func writeReport(_ record: DeploymentRecord, target: Activation, rollback: Activation?) -> String? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let file = root.logs.appendingPathComponent(
            "rollout-\(repository)-\(record.revision.prefix(12))-\(formatter.string(from: record.finishedAt)).md")
        let redactor = SecretRedactor(secrets: secrets)
        func section(_ title: String, _ activation: Activation) -> String {
            var text = "## \(title)\n\n"
            if let seconds = activation.commandSeconds {
                text += "Command: \(String(format: "%.1f", seconds)) s\(activation.failure == nil || activation.gate != nil ? ", succeeded" : "").\n\n"
            }
            if !activation.commandOutput.isEmpty {
                text += "Its last output lines:\n\n```\n"
                    + activation.commandOutput.map(redactor.redact).joined(separator: "\n") + "\n```\n\n"
            }
            if let gate = activation.gate {
                text += "Health gate: \(gate.summary). Last probes, oldest first:\n\n"
                    + gate.lastProbes.map { "- `\(redactor.redact($0))`" }.joined(separator: "\n") + "\n\n"
            }
            if let failure = activation.failure { text += "Failure: \(redactor.redact(failure))\n\n" }
            return text
        }
        var text = """
            # Rollout of \(repository) \(record.revision): \(record.outcome)

            - Revision: \(record.revision)
            - Previous healthy release: \(record.previousRevision ?? "none")
            - Started: \(ISO8601DateFormatter().string(from: record.startedAt)) (\(record.trigger.rawValue))
            - Outcome: \(record.outcome)\(record.rolledBackTo.map { ", \($0) is current again" } ?? "")
            - Why: \(redactor.redact(record.failure ?? "unknown"))
            - Command output: \(logFile.path)


            """
        text += section("The revision", target)
        if let rollback { text += section("The rollback", rollback) }
        do {
            try Data(text.utf8).write(to: file, options: .atomic)
            return file.path
        } catch {
            logger.warning("the rollout report could not be written: \(error)", metadata: ["deploy.repo": "\(repository)"])
            return nil
        }
    }
}

extension String {
    /// nil for the empty string.
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
