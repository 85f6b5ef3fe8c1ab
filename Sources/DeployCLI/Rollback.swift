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

        @OptionGroup var target: RolloutTarget

        @Option(help: "The kept release to make current (default: the previous healthy one).")
        var to: String?

        func run(faults: FaultInjection) async throws {
            try await target.run("deployctl rollback", options: options, faults: faults) { dispatcher, name throws(DispatcherError) in
                try await dispatcher.rollBack(name, to: to)
            }
        }
    }
}
