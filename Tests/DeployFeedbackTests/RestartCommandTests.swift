import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// How restart scripts run, and that a failed restart is a recorded failure, never an "applied" alone.
@Suite("Restart commands")
struct RestartCommandTests {
    let folder: TemporaryFolder
    var commands: URL { folder.url.appendingPathComponent("commands") }
    var log: URL { folder.url.appendingPathComponent("restart.log") }

    init() throws {
        folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: commands, withIntermediateDirectories: true)
    }

    /// Writes `commands/NAME` with `text`; `executable` sets the run bit.
    @discardableResult
    func script(_ name: String, _ text: String, executable: Bool = false) throws -> RestartCommand {
        let url = commands.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: url.path)
        return RestartCommand(script: url, displayPath: "commands/\(name)")
    }

    func run(_ command: RestartCommand, timeout: Duration = .seconds(30)) async -> RestartOutcome {
        await StepRestartRunner(logFile: log).run(command, in: folder.url, timeout: timeout, facts: [:])
    }

    @Test func aScriptWithoutARunBitRunsUnderBashLikeTheSeedsScripts() async throws {
        let marker = folder.url.appendingPathComponent("restarted")
        // Bash only: arrays and [[ ]] fail under a POSIX sh such as dash.
        let command = try script(
            "restart-api.sh",
            "services=(api worker)\nif [[ ${#services[@]} -eq 2 ]]; then echo \"${services[*]}\" > '\(marker.path)'; fi\n")
        #expect(StepRestartRunner.invocation(of: command.script, searchPath: nil) == ["/bin/bash", command.script.path])
        let outcome = await run(command)
        #expect(outcome.succeeded, "\(outcome)")
        #expect(outcome.failure == nil)
        #expect(try String(contentsOf: marker, encoding: .utf8) == "api worker\n")
    }

    @Test func aScriptWithARunBitAndAnInterpreterLineRunsAsAnExecutable() async throws {
        let marker = folder.url.appendingPathComponent("restarted")
        let command = try script(
            "restart-api.sh", "#!/usr/bin/env python3\nopen('\(marker.path)', 'w').write('python')\n", executable: true)
        #expect(StepRestartRunner.invocation(of: command.script, searchPath: nil) == [command.script.path])
        let outcome = await run(command)
        #expect(outcome.succeeded, "\(outcome)")
        #expect(try String(contentsOf: marker, encoding: .utf8) == "python")
        // A run bit without a #! line cannot be executed directly: bash runs it.
        let bare = try script("restart-x.sh", "echo hi\n", executable: true)
        #expect(StepRestartRunner.invocation(of: bare.script, searchPath: nil)?.first == "/bin/bash")
    }

    /// A restart may start services meant to keep running: its processes are not marked as the dispatcher's, so a
    /// dispatcher that finds its killed predecessor's steps (OrphanedSteps) leaves them alone.
    @Test func aRestartIsNotMarkedAsAStepOfTheDispatcher() async throws {
        let environment = folder.url.appendingPathComponent("environment")
        let command = try script("restart-api.sh", "env > '\(environment.path)'\n")
        let outcome = await run(command)
        #expect(outcome.succeeded, "\(outcome)")
        let names = try String(contentsOf: environment, encoding: .utf8).split(separator: "\n")
            .map { String($0.prefix { $0 != "=" }) }
        #expect(names.contains("PATH"), "\(names)")
        #expect(!names.contains(OrphanedSteps.ownerVariable), "\(names)")
    }

    @Test func bashIsLookedForOnThePathWhenItIsNotInBin() {
        // /bin/bash is tried first; here a search path only proves the lookup skips folders without bash.
        #expect(StepRestartRunner.bashExecutable(searchPath: "/nonexistent:/usr/bin") != nil)
    }

    @Test func everyWayARestartFailsIsAFailureWithItsReason() async throws {
        let exited = await run(try script("a.sh", "echo failing\nexit 3\n"))
        #expect(!exited.succeeded)
        #expect(exited.exitStatus == 3)
        #expect(exited.failure == "exited with status 3")
        #expect(exited.failureSummary == "commands/a.sh exited with status 3")

        let killed = await run(try script("b.sh", "kill -9 $$\n"))
        #expect(!killed.succeeded)
        #expect(killed.signal == 9)
        #expect(killed.failure == "killed by signal 9")

        let hung = await run(try script("c.sh", "sleep 30\n"), timeout: .milliseconds(300))
        #expect(!hung.succeeded)
        #expect(hung.timedOut)
        #expect(hung.failure?.hasPrefix("timed out") == true)

        let missing = await run(try script("d.sh", "#!/nonexistent/interpreter\n", executable: true))
        #expect(!missing.succeeded)
        #expect(missing.failure?.hasPrefix("could not start") == true, "\(missing)")
        #expect(missing.failureSummary?.hasPrefix("commands/d.sh could not start") == true)
    }

    @Test func aFailedRestartAfterAnAppliedPatchIsInTheResultRecord() async throws {
        let root = try ApplyTests.makeRoot()
        try Data("echo cannot restart\nexit 9\n".utf8).write(to: root.commands.appendingPathComponent("restart-app.sh"))
        try root.drop("fb.json", ["repo": "app", "patch": try ApplyTests.diff(root, ["README.md": "hi\n"])])
        guard case .applied(let record, let file) = try #require(try await root.processor(restart: true).run().first)
        else {
            Issue.record("not applied")
            return
        }
        #expect(record.restart?.exitStatus == 9)
        #expect(record.restart?.failure == "exited with status 9")
        let stored = try JSONDecoder().decode(
            JSONValue.self,
            from: Data(contentsOf: file.deletingLastPathComponent().appendingPathComponent("fb.result.json")))
        guard case .object(let fields) = stored, case .object(let restart)? = fields["restart"] else {
            Issue.record("no restart in the record")
            return
        }
        #expect(restart["failure"] == .string("exited with status 9"))
    }
}
