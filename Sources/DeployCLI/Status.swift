import ArgumentParser
import DeployCore
import Foundation

extension Deployctl {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each repository's last build and deployment, pending feedback and the loop's health.",
            discussion: """
                Reads the state store without taking the dispatcher's lock, so it works while `loop` runs, \
                and on a root that never ran (it says so). --json prints the documented, stable JSON form \
                (docs/status.md). --deployments N lists the last N rollouts with their outcome, timings \
                and the health gate's last probe (docs/deploying.md). --config prints the effective configuration and where each value came from; \
                secrets show only as set/not set.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        @Option(help: "Also show the last N cycles.")
        var history: Int = 0

        @Option(help: "Also show the last N rollouts (repositories with a deploy block).")
        var deployments: Int = 0

        @Flag(help: "Print the effective configuration with the origin of each value.")
        var config = false

        func validate() throws {
            guard history >= 0 else { throw ValidationError("--history expects a number >= 0, found \(history)") }
            guard deployments >= 0 else {
                throw ValidationError("--deployments expects a number >= 0, found \(deployments)")
            }
        }

        func run() async throws {
            let context = try CommandContext(options: options)
            if config {
                var text = try ConfigurationPrinter.render(context.configuration, json: json)
                if !json { text += "\n" + (await ConfigurationPrinter.sandboxLine(context.configuration)) + "\n" }
                print(text, terminator: "")
                return
            }
            let report = try StatusReport.load(root: context.root, history: history, deployments: deployments)
            if json {
                print(try JSONOutput.encode(report))
            } else {
                print(StatusPrinter(style: .detect()).render(report), terminator: "")
            }
        }
    }
}
