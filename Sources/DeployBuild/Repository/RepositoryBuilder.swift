import Foundation
import Logging

/// Builds and tests one repository: build, then tests (when the build passed and there are tests), then the optional
/// Docker image and compose end-to-end run. Knows nothing of git: it gets a folder.
///
/// A failing build or test is a normal result, never a throw.
public struct RepositoryBuilder: Sendable {
    /// Runs each step.
    public var runner: StepRunner
    /// Asked once per builder (share one per cycle) whether Docker steps can run.
    public var docker: DockerEngine
    /// Receives one event per step (`deploy.repo`, `deploy.step` metadata); output lines go to the log, not here.
    public var logger: Logger

    /// Creates a builder.
    public init(
        runner: StepRunner = StepRunner(),
        docker: DockerEngine = DockerEngine(),
        logger: Logger = Logger(label: "deployctl.build")
    ) {
        self.runner = runner
        self.docker = docker
        self.logger = logger
    }

    /// The compose files `docker compose` reads, in its order of preference.
    public static let composeFiles = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]

    /// Builds and tests the repository in `directory`.
    ///
    /// - Parameters:
    ///   - directory: the working tree.
    ///   - name: the repository's name, for log headers and the report.
    ///   - settings: jobs, command overrides, timeout, Docker switches.
    ///   - toolchain: the `swift` to use.
    ///   - log: the cycle log; when it is a ``BuildLogFile`` the result is also written as JSON beside it.
    ///   - secrets: redacted from every line and recorded command; a variable holding one never reaches a step.
    ///   - sandbox: where every step runs (feedback verification), or `nil` to run them as the dispatcher's user.
    ///   - live: called with each output line as it comes.
    /// - Returns: per-step outcomes and reports, the overall result and the flaky flag.
    public func build(
        repository directory: URL,
        name: String,
        settings: RepositoryBuildSettings,
        toolchain: Toolchain,
        log: some StepOutputSink,
        secrets: [String] = [],
        sandbox: StepSandbox? = nil,
        live: (@Sendable (String) -> Void)? = nil
    ) async -> RepositoryBuildResult {
        let clock = ContinuousClock()
        let start = clock.now
        let files = FileManager.default
        func exists(_ relative: String) -> Bool {
            files.fileExists(atPath: directory.appendingPathComponent(relative).path)
        }
        let isSwiftPackage = exists("Package.swift")
        let jobs = settings.jobs.map { ["--jobs", String($0)] } ?? []
        var records: [RepositoryBuildResult.StepRecord] = []

        func run(_ stepName: BuildStep.Name, _ command: [String], attempt: Int = 1) async
            -> RepositoryBuildResult.StepRecord
        {
            let sink = ParsingSink(log)
            let step = BuildStep(
                name: stepName,
                command: command,
                workingDirectory: directory,
                environment: settings.environment,
                inheritedVariables: settings.inheritedVariables,
                timeout: settings.timeout,
                sandbox: sandbox
            )
            var logger = logger
            logger[metadataKey: "deploy.repo"] = "\(name)"
            logger[metadataKey: "deploy.step"] = "\(stepName)"
            logger.debug("step started", metadata: ["deploy.step.attempt": "\(attempt)"])
            let outcome = await runner.run(step, log: sink, repository: name, redacting: secrets, live: live)
            logger.info(
                "step finished",
                metadata: [
                    "deploy.step.result": "\(outcome.result)",
                    "deploy.step.attempt": "\(attempt)",
                    "deploy.step.seconds": "\(outcome.duration.components.seconds)",
                ]
            )
            let record = RepositoryBuildResult.StepRecord(outcome: outcome, report: sink.report(), attempt: attempt)
            records.append(record)
            return record
        }

        // Build.
        let buildCommand = settings.buildCommand ?? (isSwiftPackage ? toolchain.invocation(["build"] + jobs) : nil)
        var result: RepositoryBuildResult.Result = .passed
        var flaky = false
        var passedOnAttempt: Int?
        var dockerSkipReason: String?
        if let buildCommand {
            let build = await run(.build, buildCommand)
            result = Self.overall(build.outcome.result)
        } else {
            records.append(
                .init(outcome: .skipped(.build, reason: "no Package.swift and no build command"), report: BuildReport())
            )
            result = .skipped
        }

        // Tests.
        if result == .passed || (result == .skipped && settings.testCommand != nil) {
            let testPlan = Self.testPlan(directory: directory, settings: settings, toolchain: toolchain, exists: exists)
            if let attempts = testPlan {
                var attempt = 0
                var testResult: RepositoryBuildResult.Result = .failed
                for command in attempts {
                    attempt += 1
                    let record = await run(.test, command, attempt: attempt)
                    testResult = Self.overall(record.outcome.result)
                    if testResult == .passed {
                        passedOnAttempt = attempt
                        flaky = attempt > 1
                        break
                    }
                    // Only a test failure is worth a retry; compile errors in tests, timeouts and cancellation are not.
                    let compiledAndRan =
                        record.report.errorCount == 0
                        && record.report.tests.passed + record.report.tests.failed > 0
                    if testResult != .failed || !compiledAndRan || !settings.retryFailedTests { break }
                }
                result = testResult
            } else if result == .passed {
                records.append(.init(outcome: .skipped(.test, reason: "no tests"), report: BuildReport()))
            }
        }

        // Docker image and compose end-to-end run.
        if result == .passed, settings.dockerBuild || settings.runE2E {
            let wantsImage = settings.dockerBuild && exists("Dockerfile")
            let composeFile = settings.runE2E ? Self.composeFiles.first(where: exists) : nil
            if wantsImage || composeFile != nil {
                if let reason = await docker.unavailableReason(runner: runner) {
                    dockerSkipReason = reason
                    if docker.shouldAnnounceUnavailability() {
                        try? log.append(lines: ["== docker: \(reason); Docker steps are skipped this cycle =="])
                    }
                    if wantsImage {
                        records.append(.init(outcome: .skipped(.docker, reason: reason), report: BuildReport()))
                    }
                    if composeFile != nil {
                        records.append(.init(outcome: .skipped(.e2e, reason: reason), report: BuildReport()))
                    }
                } else {
                    if wantsImage {
                        let tag = "deployctl/\(Self.imageName(name)):latest"
                        let image = await run(.docker, ["docker", "build", "-t", tag, "."])
                        result = Self.overall(image.outcome.result)
                    }
                    if result == .passed, let composeFile {
                        let up = await run(
                            .e2e,
                            ["docker", "compose", "-f", composeFile, "up", "--build", "--abort-on-container-exit"]
                        )
                        _ = await run(.e2e, ["docker", "compose", "-f", composeFile, "down", "--remove-orphans"])
                        result = Self.overall(up.outcome.result)
                    }
                }
            }
        }

        var report = BuildReport()
        for record in records {
            report.diagnostics.append(contentsOf: record.report.diagnostics)
            report.lines += record.report.lines
            report.recognizedLines += record.report.recognizedLines
        }
        if let lastTest = records.last(where: { $0.outcome.step == .test }) { report.tests = lastTest.report.tests }
        let outcome = RepositoryBuildResult(
            repository: name,
            toolchainVersion: toolchain.version,
            steps: records,
            result: result,
            flaky: flaky,
            testsPassedOnAttempt: passedOnAttempt,
            report: report,
            dockerSkipReason: dockerSkipReason,
            duration: clock.now - start
        )
        if let file = log as? BuildLogFile {
            try? outcome.write(to: file.reportURL(repository: name))
        }
        return outcome
    }

    /// The test commands to try in order, or `nil` when the repository has no tests.
    ///
    /// A manifest `testCommand` or a `run-tests.sh` runs once. `swift test` gets the fallback sequence: as
    /// configured, then `--no-parallel`, then `--no-parallel` with half the jobs.
    static func testPlan(
        directory: URL,
        settings: RepositoryBuildSettings,
        toolchain: Toolchain,
        exists: (String) -> Bool
    ) -> [[String]]? {
        if let command = settings.testCommand { return [command] }
        if exists("run-tests.sh") { return [["/bin/sh", "run-tests.sh"]] }
        guard exists("Package.swift"), hasSwiftTests(directory) else { return nil }
        let jobs = settings.jobs
        var plan = [toolchain.invocation(["test"] + (jobs.map { ["--jobs", String($0)] } ?? []))]
        guard settings.retryFailedTests else { return plan }
        plan.append(toolchain.invocation(["test", "--no-parallel"] + (jobs.map { ["--jobs", String($0)] } ?? [])))
        let fewer = max(1, (jobs ?? ProcessInfo.processInfo.activeProcessorCount) / 2)
        plan.append(toolchain.invocation(["test", "--no-parallel", "--jobs", String(fewer)]))
        return plan
    }

    /// Whether a Swift package has tests: a `Tests/` folder, or a `.testTarget(` in its manifest.
    static func hasSwiftTests(_ directory: URL) -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(
            atPath: directory.appendingPathComponent("Tests").path,
            isDirectory: &isDirectory
        ),
            isDirectory.boolValue
        {
            return true
        }
        let manifest =
            (try? String(contentsOf: directory.appendingPathComponent("Package.swift"), encoding: .utf8)) ?? ""
        return manifest.contains(".testTarget(")
    }

    static func overall(_ result: StepOutcome.Result) -> RepositoryBuildResult.Result {
        switch result {
        case .passed: .passed
        case .failed, .notStarted: .failed
        case .timedOut: .timedOut
        case .cancelled: .cancelled
        case .skipped: .skipped
        }
    }

    static func imageName(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
    }
}
