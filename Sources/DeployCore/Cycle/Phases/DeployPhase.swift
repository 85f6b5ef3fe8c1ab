import DeployBuild
import DeployGit
import Foundation
import Logging

/// The cycle's deploy phase: every repository with a `deploy` block whose revision built and tested green, and is
/// neither deployed already (nor a tree equal to the deployed one's) nor blocked, is rolled out (``Rollout``); a
/// rollout a crash interrupted is finished first. The repositories' rollouts run side by side, so one waiting on
/// its health gate does not hold up another's; under `loop` they are handed to the ``RolloutQueue`` and the cycle
/// goes on without them.
struct DeployPhase: Sendable {
    let context: CycleContext
    /// Where rollouts are handed over (the loop); nil runs them in the phase and waits.
    let queue: RolloutQueue?

    /// Rolls out what the build phase left green; returns the finished rollouts, in repository order (none when
    /// they were handed to the queue).
    func run(_ records: [String: RepositoryCycleRecord]) async -> [DeploymentRecord] {
        let deployed = context.manifest.repositories.filter { $0.deploy != nil }
        guard !deployed.isEmpty else { return [] }
        let states: [String: DeploymentState]
        do { states = try context.store.deploymentStates() } catch {
            context.logger.error("rollouts skipped: \(error)")
            return []
        }
        var plans: [RolloutQueue.Plan] = []
        for entry in deployed {
            guard let settings = entry.deploy else { continue }
            let name = entry.name
            // A rollout in flight (the loop's queue) writes its journal as it goes: not one to resume.
            if queue?.isInFlight(name) == true { continue }
            let state = states[name.rawValue]
            let record = records[name.rawValue]
            guard state?.journal != nil || Self.wouldDeploy(record, state: state, previous: context.previous[name.rawValue])
            else { continue }
            plans.append(RolloutQueue.Plan(repository: name) {
                await roll(name, settings: settings, state: state, record: record)
            })
        }
        if let queue {
            for plan in plans { queue.submit(plan) }
            return []
        }
        return await withTaskGroup(of: (String, [DeploymentRecord]).self) { group in
            for plan in plans {
                group.addTask { (plan.repository.rawValue, await plan.run()) }
            }
            var results: [String: [DeploymentRecord]] = [:]
            for await (name, records) in group { results[name] = records }
            return results.keys.sorted().flatMap { results[$0] ?? [] }
        }
    }

    /// The rollouts of one repository this cycle: an interrupted one resumed, then its green revision if it is new.
    private func roll(
        _ name: RepositoryName, settings: DeploySettings, state: DeploymentState?, record: RepositoryCycleRecord?
    ) async -> [DeploymentRecord] {
        let rollout = context.rollout(of: name, settings: settings)
        var done: [DeploymentRecord] = []
        var state = state
        do {
            if let interrupted = state, interrupted.journal != nil {
                // Cancelled again (the loop stopping): the journal stays for the next run.
                guard let resumed = try await rollout.resume(interrupted) else { return done }
                done.append(resumed)
                state = try context.store.deploymentStates()[name.rawValue]
            }
            guard let record, let revision = Self.candidate(record, previous: context.previous[name.rawValue]),
                Self.shouldDeploy(revision: revision, tree: record.tree, state: state), !Task.isCancelled
            else { return done }
            try createRelease(name, revision: revision, rollout: rollout)
            if let finished = try await rollout.deploy(target: revision, tree: record.tree, state: state, trigger: .cycle) {
                done.append(finished)
            }
        } catch {
            context.logger.error("rollout not done: \(error)", metadata: ["deploy.repo": "\(name)"])
        }
        return done
    }

    /// Whether the cycle's `record` holds a revision to roll out, given the deployment `state`.
    static func wouldDeploy(_ record: RepositoryCycleRecord?, state: DeploymentState?, previous: RepositoryState?) -> Bool {
        guard let record, let revision = candidate(record, previous: previous) else { return false }
        return shouldDeploy(revision: revision, tree: record.tree, state: state)
    }

    /// The revision a cycle's record makes deployable: the head it built green, or an unchanged head whose last
    /// build was green.
    static func candidate(_ record: RepositoryCycleRecord, previous: RepositoryState?) -> String? {
        switch record.outcome {
        case .built:
            return record.buildResult?.passedEventually == true ? record.head : nil
        case .unchanged:
            return previous?.lastBuild?.buildResult?.passedEventually == true ? record.head : nil
        case .updateFailed, .backingOff, .superseded:
            return nil
        }
    }

    /// Whether `revision` is to be rolled out given the repository's deployment `state`: not when it is current
    /// (or its tree is the current one's), blocked, or the revision whose rollout left the repository failed.
    static func shouldDeploy(revision: String, tree: String?, state: DeploymentState?) -> Bool {
        guard let state else { return true }
        if state.blockedRevisions.contains(revision) || state.failedRevision == revision { return false }
        if state.revision == revision { return false }
        if let tree, state.tree == tree, state.state == .healthy || state.state == .rolledBack { return false }
        return true
    }

    /// Writes the release of `revision` from the repository's own checkout, or from the root's repository for a
    /// vendored folder.
    private func createRelease(_ name: RepositoryName, revision: String, rollout: Rollout) throws {
        let folder = context.root.repository(name)
        guard let id = ObjectID(hex: revision) else {
            throw DispatcherError(.release, location: folder.path, found: "'\(revision)' is not an object id", accepted: "a full commit id")
        }
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) {
            try rollout.releases.create(id, from: try GitRepository.open(at: folder))
        } else {
            let owner = try GitRepository.discover(containing: folder)
            try rollout.releases.create(id, from: owner, path: owner.relativePath(of: folder) ?? "")
        }
    }
}

extension CycleContext {
    /// The rollout of `name` with this context's store, runner, secrets and fault plan.
    func rollout(of name: RepositoryName, settings: DeploySettings) -> Rollout {
        Rollout(
            root: root, repository: name, settings: settings, store: store, runner: stepRunner,
            secrets: configuration.secrets,
            inheritedVariables: manifest.repository(named: name)?.environmentNames ?? [],
            commandTimeout: .seconds(configuration.stepTimeout), logger: logger, faults: faults)
    }
}
