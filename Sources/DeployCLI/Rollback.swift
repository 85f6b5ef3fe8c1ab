import ArgumentParser
import DeployBuild
import DeployCore
import Foundation

extension Deployctl {
    struct Rollback: DispatcherCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an earlier release of a repository current again.",
            discussion: """
                Switches deploy/current/NAME to the kept release --to names (a full revision or an unambiguous \
                prefix), or to the previous healthy release, runs its deploy command and its health gate, and blocks \
                the revision it replaces: no cycle deploys that one again. NAME needs a deploy block in \
                deployctl.json (docs/deploying.md). Takes the root's lock: stop `loop` first, or it says the root \
                is locked. Exit status: 0 healthy, 1 the release failed its gate (the repository is failed), 2 usage \
                (no deploy block, no such kept release, nothing to roll back to), 3 infrastructure.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The repository.")
        var name: String

        @Option(help: "The kept release to make current (default: the previous healthy one).")
        var to: String?

        @Flag(help: "Print the rollout's record as JSON.")
        var json = false

        func validate() throws {
            guard RepositoryName.isValid(name) else {
                throw ValidationError("'\(name)' is not a repository name (\(RepositoryName.accepted))")
            }
        }

        func run(faults: FaultInjection) async throws {
            let context = try CommandContext(options: options, faults: faults)
            let dispatcher = try await openDispatcher(context, command: "deployctl rollback")
            let record: DeploymentRecord
            do { record = try await dispatcher.rollBack(try RepositoryName(name), to: to) } catch {
                throw CommandFailure(error)
            }
            try RolloutPrinter.finish(record, json: json)
        }
    }

    struct Deploy: DispatcherCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the rollout of a repository's current release again.",
            discussion: """
                Runs the deploy command of the release deploy/current/NAME points at and its health gate again, \
                and clears a failed state (the revision is no longer blocked by it); when the release fails its \
                gate, the previous healthy release is brought back as in a cycle. NAME needs a deploy block in \
                deployctl.json (docs/deploying.md). Takes the root's lock. Exit status: 0 healthy, 1 rolled back or \
                failed, 2 usage (no deploy block, never deployed), 3 infrastructure.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The repository.")
        var name: String

        @Flag(help: "Print the rollout's record as JSON.")
        var json = false

        func validate() throws {
            guard RepositoryName.isValid(name) else {
                throw ValidationError("'\(name)' is not a repository name (\(RepositoryName.accepted))")
            }
        }

        func run(faults: FaultInjection) async throws {
            let context = try CommandContext(options: options, faults: faults)
            let dispatcher = try await openDispatcher(context, command: "deployctl deploy")
            let record: DeploymentRecord
            do { record = try await dispatcher.redeploy(try RepositoryName(name)) } catch {
                throw CommandFailure(error)
            }
            try RolloutPrinter.finish(record, json: json)
        }
    }
}

/// Prints a rollout asked for by hand and ends with its exit status.
enum RolloutPrinter {
    static func finish(_ record: DeploymentRecord, json: Bool) throws {
        if json {
            print(try JSONOutput.encode(record))
        } else {
            print(line(record))
        }
        if record.outcome != .healthy { throw ExitCode(ExitStatus.buildFailed) }
    }

    /// `api a1b2c3d4e5: rolled-back to 0f1e2d3c4b (the health gate saw …); report deploy/logs/rollout-….md`.
    static func line(_ record: DeploymentRecord) -> String {
        var text = "\(record.repository) \(record.revision.prefix(10)): \(record.outcome)"
        if let to = record.rolledBackTo { text += " to \(to.prefix(10))" }
        if let seconds = record.healthSeconds { text += String(format: ", health gate %.1f s", seconds) }
        if let failure = record.failure { text += " (\(failure))" }
        if let report = record.report { text += "; report \(report)" }
        return text
    }
}
