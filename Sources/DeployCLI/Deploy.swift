import ArgumentParser
import DeployBuild
import DeployCore
import Foundation

extension Deployctl {
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

        @OptionGroup var target: RolloutTarget

        func run(faults: FaultInjection) async throws {
            try await target.run("deployctl deploy", options: options, faults: faults) { dispatcher, name throws(DispatcherError) in
                try await dispatcher.redeploy(name)
            }
        }
    }
}
