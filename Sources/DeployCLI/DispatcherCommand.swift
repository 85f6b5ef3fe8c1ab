import ArgumentParser
import DeployBuild

/// A subcommand that opens a dispatcher (`run-once`, `loop`, `apply-feedback`), and so runs with the executable's
/// fault-injection plan.
///
/// ``Deployctl/main(faults:)`` calls ``run(faults:)`` with the plan its executable chose; ArgumentParser's own
/// `run()` (a command run any other way) runs with the plan that injects nothing.
protocol DispatcherCommand: AsyncParsableCommand {
    /// Runs the command, handing `faults` to the dispatcher it opens.
    func run(faults: FaultInjection) async throws
}

extension DispatcherCommand {
    /// Runs the command without fault injection.
    func run() async throws {
        try await run(faults: FaultInjection())
    }
}
