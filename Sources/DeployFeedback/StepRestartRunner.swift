import DeployBuild
import Foundation

/// Runs restart commands with DeployBuild's `StepRunner` (own process group, timeout, output to a log file).
public struct StepRestartRunner: RestartRunner {
    public var runner: StepRunner
    /// The log the restart output is appended to.
    public var logFile: URL
    /// Redacted from the output.
    public var secrets: [String]

    public init(runner: StepRunner = StepRunner(), logFile: URL, secrets: [String] = []) {
        self.runner = runner
        self.logFile = logFile
        self.secrets = secrets
    }

    public func run(_ command: RestartCommand, in directory: URL, timeout: Duration, facts: [String: String]) async
        -> RestartOutcome
    {
        let log: BuildLogFile
        do {
            try FileManager.default.createDirectory(
                at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            log = try BuildLogFile(appendingTo: logFile)
        } catch {
            return RestartOutcome(command: command.displayPath, exitStatus: nil, seconds: 0, logFile: logFile.path)
        }
        defer { log.close() }
        let step = BuildStep(
            name: "restart", command: ["/bin/sh", command.script.path], workingDirectory: directory, environment: facts,
            timeout: timeout)
        let outcome = await runner.run(step, log: log, repository: directory.lastPathComponent, redacting: secrets)
        var result = RestartOutcome(
            command: command.displayPath, exitStatus: nil, seconds: outcome.duration.seconds, logFile: logFile.path)
        switch outcome.result {
        case .passed: result.exitStatus = 0
        case .failed(.exited(let code)): result.exitStatus = code
        case .failed(.signaled(let signal)): result.signal = signal
        case .timedOut: result.timedOut = true
        case .cancelled, .skipped, .notStarted: break
        }
        return result
    }
}
