import ArgumentParser
import DeployBuild
import DeployCore
import Foundation

/// The repository a rollout by hand is for (`deploy NAME`, `rollback NAME`), and how its outcome is printed.
struct RolloutTarget: ParsableArguments {
    @Argument(help: "The repository.")
    var name: String

    @Flag(help: "Print the rollout's record as JSON.")
    var json = false

    func validate() throws {
        guard RepositoryName.isValid(name) else {
            throw ValidationError("'\(name)' is not a repository name (\(RepositoryName.accepted))")
        }
    }

    /// Opens the dispatcher as `command`, runs `rollout` on it, prints the record and ends with its exit status:
    /// 0 healthy, 1 not.
    func run(
        _ command: String, options: GlobalOptions, faults: FaultInjection,
        _ rollout: (Dispatcher, RepositoryName) async throws(DispatcherError) -> DeploymentRecord
    ) async throws {
        let context = try CommandContext(options: options, faults: faults)
        let dispatcher = try await openDispatcher(context, command: command)
        let record: DeploymentRecord
        do { record = try await rollout(dispatcher, try RepositoryName(name)) } catch { throw CommandFailure(error) }
        print(json ? try JSONOutput.encode(record) : RolloutPrinter.line(record))
        if record.outcome != .healthy { throw ExitCode(ExitStatus.buildFailed) }
    }
}

/// One line on a rollout for people.
enum RolloutPrinter {
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
