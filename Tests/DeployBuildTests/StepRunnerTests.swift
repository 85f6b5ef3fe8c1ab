import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@Suite struct StepRunnerTests {
    private func step(
        _ script: String,
        in directory: URL,
        timeout: Duration = .seconds(60),
        environment: [String: String] = [:]
    ) -> BuildStep {
        BuildStep(
            name: .custom,
            command: ["/bin/sh", "-c", script],
            workingDirectory: directory,
            environment: environment,
            timeout: timeout,
            gracePeriod: .milliseconds(500)
        )
    }

    @Test func streamsStdoutAndStderrLinesAndPasses() async throws {
        try await ScratchDirectory.with { scratch in
            let sink = MemorySink()
            let outcome = await StepRunner().run(
                step("echo one; echo two >&2; printf 'no newline'", in: scratch.url),
                log: sink,
                repository: "demo"
            )
            #expect(outcome.result == .passed)
            #expect(sink.lines.first == "== repo demo: step custom ==")
            #expect(Set(sink.lines.dropFirst()) == ["one", "two", "no newline"])
            #expect(Set(outcome.lastLines) == ["one", "two", "no newline"])
        }
    }

    @Test func nonZeroExitIsAFailedOutcome() async throws {
        try await ScratchDirectory.with { scratch in
            let outcome = await StepRunner().run(step("echo failing; exit 3", in: scratch.url), log: MemorySink())
            #expect(outcome.result == .failed(.exited(3)))
            #expect(outcome.lastLines == ["failing"])
        }
    }

    @Test func runsInTheWorkingDirectoryWithTheStepEnvironment() async throws {
        try await ScratchDirectory.with { scratch in
            let sink = MemorySink()
            _ = await StepRunner().run(
                step("pwd; echo $DEPLOY_TEST_VALUE", in: scratch.url, environment: ["DEPLOY_TEST_VALUE": "v42"]),
                log: sink
            )
            #expect(sink.lines.dropFirst() == [scratch.path, "v42"])
        }
    }

    @Test func secretsAreRedactedEverywhere() async throws {
        try await ScratchDirectory.with { scratch in
            let sink = MemorySink()
            let live = LiveLines()
            let outcome = await StepRunner().run(
                BuildStep(
                    name: .build,
                    command: ["/bin/sh", "-c", "echo token=ghp_SECRET123; echo ghp_SECRET123 >&2", "ghp_SECRET123"],
                    workingDirectory: scratch.url,
                    timeout: .seconds(30)
                ),
                log: sink,
                redacting: ["ghp_SECRET123"],
                live: { live.append($0) }
            )
            let everything = sink.lines + outcome.lastLines + outcome.command + live.lines
            #expect(!everything.contains { $0.contains("ghp_SECRET123") })
            #expect(sink.lines.contains("token=***"))
            #expect(live.lines.contains("token=***"))
        }
    }

    @Test func missingExecutableIsNotStarted() async throws {
        try await ScratchDirectory.with { scratch in
            let outcome = await StepRunner().run(
                BuildStep(
                    name: .build,
                    command: ["/nonexistent/tool"],
                    workingDirectory: scratch.url,
                    timeout: .seconds(5)
                ),
                log: MemorySink()
            )
            guard case .notStarted = outcome.result else {
                Issue.record("expected notStarted, got \(outcome.result)")
                return
            }
        }
    }

    /// The step forks a grandchild that ignores SIGTERM and keeps the output pipe open; the timeout must end both.
    @Test func timeoutKillsTheWholeGroupIncludingAGrandchildIgnoringSigterm() async throws {
        try await ScratchDirectory.with { scratch in
            let sink = MemorySink()
            let script =
                #"echo "group $$"; sh -c 'trap "" TERM; echo "grandchild $$"; sleep 60; echo survived' & sleep 60"#
            let outcome = await StepRunner().run(step(script, in: scratch.url, timeout: .seconds(1)), log: sink)
            #expect(outcome.result == .timedOut)
            let group = try #require(sink.lines.first { $0.hasPrefix("group ") }.flatMap { Int32($0.dropFirst(6)) })
            let grandchild = try #require(
                sink.lines.first { $0.hasPrefix("grandchild ") }.flatMap { Int32($0.dropFirst(11)) }
            )
            #expect(!ProcessInspection.isAlive(grandchild))
            #expect(ProcessInspection.liveMembers(ofGroup: group).isEmpty)
            #expect(!sink.lines.contains("survived"))
        }
    }

    /// A background process left holding the output pipe does not keep the step running until its timeout.
    @Test func backgroundProcessLeftBehindIsEndedAfterTheStep() async throws {
        try await ScratchDirectory.with { scratch in
            let sink = MemorySink()
            let script = #"echo "group $$"; sleep 60 & echo done"#
            let outcome = await StepRunner().run(step(script, in: scratch.url, timeout: .seconds(50)), log: sink)
            #expect(outcome.result == .passed)
            let group = try #require(sink.lines.first { $0.hasPrefix("group ") }.flatMap { Int32($0.dropFirst(6)) })
            #expect(ProcessInspection.liveMembers(ofGroup: group).isEmpty)
        }
    }

    @Test func cancellationKillsTheGroup() async throws {
        try await ScratchDirectory.with { scratch in
            let sink = MemorySink()
            let script = #"echo "group $$"; sh -c 'trap "" TERM; sleep 60' & sleep 60"#
            let task = Task { await StepRunner().run(step(script, in: scratch.url), log: sink) }
            // Wait until the step has printed its group id, then cancel.
            while !sink.lines.contains(where: { $0.hasPrefix("group ") }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            task.cancel()
            let outcome = await task.value
            #expect(outcome.result == .cancelled)
            let group = try #require(sink.lines.first { $0.hasPrefix("group ") }.flatMap { Int32($0.dropFirst(6)) })
            #expect(ProcessInspection.liveMembers(ofGroup: group).isEmpty)
        }
    }

    /// 100 MB of output goes to the log file line by line, whole, and the outcome keeps only the last lines.
    ///
    /// (Peak memory is not asserted here: the test process runs other suites in parallel, so its peak RSS says
    /// nothing about this step. Memory figures belong to the benchmarks.)
    @Test func hundredMegabytesOfOutputStreamToTheLog() async throws {
        try await ScratchDirectory.with { scratch in
            let log = try BuildLogFile(appendingTo: scratch.appending("big.log"))
            let outcome = await StepRunner().run(
                step(
                    "yes 'a line of build output that is about sixty characters long' | head -c 100000000",
                    in: scratch.url,
                    timeout: .seconds(300)
                ),
                log: log
            )
            log.close()
            #expect(outcome.result == .passed)
            let size = try #require(
                try FileManager.default.attributesOfItem(atPath: scratch.appending("big.log").path)[.size] as? Int
            )
            #expect(size >= 100_000_000)
            #expect(
                outcome.outputBytes >= 100_000_000 && size > outcome.outputBytes,
                "every byte printed, plus the step header, is in the log"
            )
            #expect(outcome.lastLines.count <= 30)
        }
    }
}

/// Lines received by a live callback.
final class LiveLines: Sendable {
    private let sink = MemorySink()
    func append(_ line: String) { try? sink.append(lines: [line]) }
    var lines: [String] { sink.lines }
}

extension BuildStep.Name {
    static let custom = BuildStep.Name("custom")
}
