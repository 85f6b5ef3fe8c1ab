import DeployBuild
import DeployTestSupport
import Foundation
import Testing

/// End-to-end runs with the real toolchain and real processes. Real `swift build`/`swift test` runs are few: one
/// package, built once, tested under three environments.
@Suite struct RepositoryBuilderTests {
    static let samplePackage: [String: String] = [
        "Package.swift": """
        // swift-tools-version: 6.2
        import PackageDescription
        let package = Package(name: "Sample", targets: [
            .target(name: "Sample"),
            .testTarget(name: "SampleTests", dependencies: ["Sample"]),
        ])
        """,
        "Sources/Sample/Sample.swift": "public func greet() -> String { \"hello\" }\n",
        "Tests/SampleTests/SampleTests.swift": """
        import Foundation
        import Testing
        @testable import Sample

        @Test func greets() {
            let environment = ProcessInfo.processInfo.environment
            if environment["SAMPLE_FAIL"] == "1" {
                #expect(greet() == "goodbye")
                return
            }
            if let marker = environment["SAMPLE_FLAKY_MARKER"], !FileManager.default.fileExists(atPath: marker) {
                FileManager.default.createFile(atPath: marker, contents: nil)
                #expect(greet() == "first run fails")
                return
            }
            #expect(greet() == "hello")
        }
        """,
    ]

    private func toolchain() async throws -> Toolchain {
        try await ToolchainLocator(probe: .current(environment: ProcessInfo.processInfo.environment)).locate()
    }

    @Test func swiftPackagePassesFailsAndIsFlaky() async throws {
        try await ScratchDirectory.with { scratch in
            let package = scratch.appending("sample")
            try GitFixture(scratch: scratch).write(Self.samplePackage, in: package)
            let toolchain = try await toolchain()
            let logs = BuildLogDirectory(url: scratch.appending("logs"))
            let builder = RepositoryBuilder()

            // 1. Green: build, then tests pass at the first attempt.
            let log = try logs.makeCycleLog()
            let green = await builder.build(
                repository: package,
                name: "sample",
                settings: RepositoryBuildSettings(jobs: 2),
                toolchain: toolchain,
                log: log
            )
            #expect(green.result == .passed, "\(green.steps.map(\.outcome))")
            #expect(green.isGreen)
            #expect(green.steps.map(\.outcome.step) == [.build, .test])
            #expect(green.steps[0].outcome.command == toolchain.command + ["build", "--jobs", "2"])
            #expect(green.testsPassedOnAttempt == 1)
            #expect(green.report.tests.passed == 1)
            #expect(green.toolchainVersion == toolchain.version)
            let json = try Data(contentsOf: log.reportURL(repository: "sample"))
            #expect(try JSONDecoder().decode(RepositoryBuildResult.self, from: json) == green)
            let text = try String(contentsOf: log.url, encoding: .utf8)
            #expect(text.contains("== repo sample: step build =="))
            #expect(text.contains("== repo sample: step test =="))

            // 2. A failing test: retried serially, then with fewer jobs; still failing.
            let failing = await builder.build(
                repository: package,
                name: "sample",
                settings: RepositoryBuildSettings(jobs: 2, environment: ["SAMPLE_FAIL": "1"]),
                toolchain: toolchain,
                log: log
            )
            #expect(failing.result == .failed)
            let attempts = failing.steps.filter { $0.outcome.step == .test }
            #expect(attempts.map(\.attempt) == [1, 2, 3])
            #expect(attempts[1].outcome.command.contains("--no-parallel"))
            #expect(attempts[2].outcome.command.suffix(2) == ["--jobs", "1"])
            let failure = try #require(failing.report.tests.failures.first)
            #expect(failure.name == "greets()")
            #expect(failure.file == "SampleTests.swift")
            #expect(failing.report.tests.failed == 1)

            // 3. Fails, then passes on the serial retry with no change: flaky, not green.
            let flaky = await builder.build(
                repository: package,
                name: "sample",
                settings: RepositoryBuildSettings(
                    jobs: 2,
                    environment: ["SAMPLE_FLAKY_MARKER": scratch.appending("marker").path]
                ),
                toolchain: toolchain,
                log: log
            )
            #expect(flaky.result == .passed)
            #expect(flaky.flaky)
            #expect(!flaky.isGreen)
            #expect(flaky.testsPassedOnAttempt == 2)
        }
    }

    @Test func manifestOverridesRunTestsScriptRedactionAndNoDockerEngine() async throws {
        try await ScratchDirectory.with { scratch in
            let repo = scratch.appending("site")
            try GitFixture(scratch: scratch).write(
                [
                    "run-tests.sh": "echo running tests with $SITE_TOKEN\n",
                    "Dockerfile": "FROM scratch\n",
                    "compose.yaml": "services: {}\n",
                ],
                in: repo
            )
            let log = try BuildLogDirectory(url: scratch.appending("logs")).makeCycleLog()
            let result = await RepositoryBuilder(docker: DockerEngine()).build(
                repository: repo,
                name: "site",
                settings: RepositoryBuildSettings(
                    buildCommand: ["/bin/sh", "-c", "echo building with tok-123"],
                    dockerBuild: true,
                    runE2E: true,
                    environment: ["SITE_TOKEN": "tok-123"]
                ),
                toolchain: Toolchain(command: ["/nonexistent/swift"], version: "unused"),
                log: log,
                secrets: ["tok-123"]
            )
            #expect(result.result == .passed)
            #expect(result.steps.map(\.outcome.step) == [.build, .test, .docker, .e2e])
            #expect(result.steps[1].outcome.command == ["/bin/sh", "run-tests.sh"])
            // This machine has a docker client but no engine: skipped, not failed.
            let reason = try #require(result.dockerSkipReason)
            #expect(reason.contains("no Docker engine answers") || reason.contains("no Docker client"))
            #expect(result.steps[2].outcome.result == .skipped(reason: reason))
            let text = try String(contentsOf: log.url, encoding: .utf8)
            #expect(text.contains("== docker: \(reason); Docker steps are skipped this cycle =="))
            #expect(text.contains("running tests with ***"))
            #expect(!text.contains("tok-123"))
        }
    }

    @Test func failedBuildSkipsTestsAndTimeoutStops() async throws {
        try await ScratchDirectory.with { scratch in
            let repo = scratch.appending("tool")
            try GitFixture(scratch: scratch).write(["run-tests.sh": "echo should not run\n"], in: repo)
            let sink = MemorySink()
            let failed = await RepositoryBuilder().build(
                repository: repo,
                name: "tool",
                settings: RepositoryBuildSettings(buildCommand: [
                    "/bin/sh", "-c", "echo 'error: no rule to make target'; exit 2",
                ]),
                toolchain: Toolchain(command: ["/nonexistent/swift"], version: "unused"),
                log: sink
            )
            #expect(failed.result == .failed)
            #expect(failed.steps.map(\.outcome.step) == [.build])
            #expect(failed.report.errorCount == 1)
            let hung = await RepositoryBuilder().build(
                repository: repo,
                name: "tool",
                settings: RepositoryBuildSettings(
                    buildCommand: ["/bin/sh", "-c", "sleep 30"],
                    timeout: .milliseconds(500)
                ),
                toolchain: Toolchain(command: ["/nonexistent/swift"], version: "unused"),
                log: sink
            )
            #expect(hung.result == .timedOut)
            #expect(!sink.lines.contains("should not run"))
        }
    }

    @Test func missingToolchainFailsTheBuildWithoutThrowing() async throws {
        try await ScratchDirectory.with { scratch in
            let repo = scratch.appending("pkg")
            try GitFixture(scratch: scratch).write(["Package.swift": "// swift-tools-version: 6.2\n"], in: repo)
            let result = await RepositoryBuilder().build(
                repository: repo,
                name: "pkg",
                settings: RepositoryBuildSettings(),
                toolchain: Toolchain(command: ["/nonexistent/swift"], version: "none"),
                log: MemorySink()
            )
            #expect(result.result == .failed)
            guard case .notStarted = result.steps[0].outcome.result else {
                Issue.record("expected notStarted, got \(result.steps[0].outcome.result)")
                return
            }
        }
    }

    @Test func dockerAnswerIsAskedOnceAndAnnouncedOnce() async {
        let engine = DockerEngine(probeCommand: ["/nonexistent/docker", "info"])
        let first = await engine.unavailableReason()
        #expect(first == "no Docker client (/nonexistent/docker not found)")
        #expect(await engine.unavailableReason() == first)
        #expect(engine.shouldAnnounceUnavailability())
        #expect(!engine.shouldAnnounceUnavailability())
    }
}
