import ArgumentParser
import DeployBuild
import DeployCore
import Foundation

extension Deployctl {
    struct RunOnce: DispatcherCommand {
        static let configuration = CommandConfiguration(
            commandName: "run-once",
            abstract: "Run one cycle (update, build and test what changed, apply feedback), then exit.",
            discussion: """
                Exit status: 0 all green (or unchanged and last green), 1 a build or test failed, \
                2 usage or configuration error, 3 an infrastructure failure (fetch, push, forge, a held lock) with \
                no build failure. Human output goes to standard error; --json prints the cycle report to standard \
                output. Under GitHub Actions (GITHUB_ACTIONS=true) each distinct diagnostic and failed test becomes a \
                workflow annotation and the per-repository table goes to GITHUB_STEP_SUMMARY.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Option(name: .customLong("repo"), help: "Only this repository (repeatable).")
        var repositories: [String] = []

        @Flag(help: "Rebuild even when tree, toolchain and settings are unchanged.")
        var force = false

        @Flag(help: "Print the cycle report as JSON on standard output.")
        var json = false

        @Option(help: ArgumentHelp("Write a JUnit XML report of the tests to PATH.", valueName: "PATH"))
        var junit: String?

        func validate() throws {
            for name in repositories where !RepositoryName.isValid(name) {
                throw ValidationError("--repo '\(name)' is not a repository name; accepted: \(RepositoryName.accepted)")
            }
        }

        func run(faults: FaultInjection) async throws {
            let context = try CommandContext(options: options, faults: faults)
            let names = try repositories.map { name throws(DispatcherError) in try RepositoryName(name) }
            let dispatcher = try await openDispatcher(context, command: "deployctl run-once")
            ReportPrinter.announce(context.configuration, logger: context.logger)
            let progress = ProgressPrinter(style: .detect(fileDescriptor: STDERR_FILENO))
            let report: CycleReport
            do {
                report = try await dispatcher.runCycle(
                    CycleOptions(repositories: names, force: force, trigger: .runOnce),
                    observer: { progress.handle($0) })
            } catch {
                // A bad --repo or manifest is 2; no usable toolchain (nothing could be built, which is not a build
                // failure) or a state store that fails is 3.
                throw CommandFailure(error)
            }
            progress.finish()
            StandardError.write(ReportPrinter.summary(report))
            let environment = ProcessInfo.processInfo.environment
            if environment["GITHUB_ACTIONS"] == "true" {
                let annotations = GitHubActionsReport.annotations(for: report)
                if json {
                    StandardError.write(annotations)
                } else {
                    print(annotations, terminator: "")
                }
                if let summaryPath = environment["GITHUB_STEP_SUMMARY"], !summaryPath.isEmpty {
                    try GitHubActionsReport.appendStepSummary(for: report, to: URL(fileURLWithPath: summaryPath))
                }
            }
            if let junit {
                try JUnitReport.xml(for: report).write(toFile: junit, atomically: true, encoding: .utf8)
            }
            if json { print(try JSONOutput.encode(report)) }
            if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
        }
    }
}

