import DeployBuild
import Foundation

/// Runs restart commands with DeployBuild's `StepRunner` (own process group, timeout, output to a log file).
///
/// How a script runs: one with a run bit and a `#!` line runs as an executable (its interpreter decides); any other
/// runs under bash (`/bin/bash`, else `bash` found on `PATH`), as the seed (Codex-Deployer) ran its scripts, so a
/// copied `restart-NAME.sh` without a run bit and with bash syntax works unchanged.
public struct StepRestartRunner: RestartRunner {
    public var runner: StepRunner
    /// The log the restart output is appended to.
    public var logFile: URL
    /// Redacted from the output.
    public var secrets: [String]
    /// Where `bash` is looked for when `/bin/bash` does not exist (default: this process's `PATH`).
    public var searchPath: String?

    public init(
        runner: StepRunner = StepRunner(), logFile: URL, secrets: [String] = [],
        searchPath: String? = ProcessInfo.processInfo.environment["PATH"]
    ) {
        self.runner = runner
        self.logFile = logFile
        self.secrets = secrets
        self.searchPath = searchPath
    }

    public func run(_ command: RestartCommand, in directory: URL, timeout: Duration, facts: [String: String]) async
        -> RestartOutcome
    {
        func notStarted(_ reason: String) -> RestartOutcome {
            RestartOutcome(
                command: command.displayPath, exitStatus: nil, seconds: 0, logFile: logFile.path,
                failure: "could not start: \(reason)")
        }
        guard let invocation = Self.invocation(of: command.script, searchPath: searchPath) else {
            return notStarted(
                "\(command.displayPath) has no run bit and #! line, and no bash was found (/bin/bash, or on PATH) "
                    + "to run it")
        }
        let log: BuildLogFile
        do {
            try FileManager.default.createDirectory(
                at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            log = try BuildLogFile(appendingTo: logFile)
        } catch {
            return notStarted("cannot open the log \(logFile.path): \(error)")
        }
        defer { log.close() }
        let step = BuildStep(
            name: "restart", command: invocation, workingDirectory: directory, environment: facts, timeout: timeout,
            ownership: .independent)
        let outcome = await runner.run(step, log: log, repository: directory.lastPathComponent, redacting: secrets)
        var result = RestartOutcome(
            command: command.displayPath, exitStatus: nil, seconds: outcome.duration.seconds, logFile: logFile.path)
        switch outcome.result {
        case .passed:
            result.exitStatus = 0
        case .failed(.exited(let code)):
            result.exitStatus = code
            result.failure = "exited with status \(code)"
        case .failed(.signaled(let signal)):
            result.signal = signal
            result.failure = "killed by signal \(signal)"
        case .timedOut:
            result.timedOut = true
            result.failure = "timed out after \(Int(timeout.seconds)) s (its process group was killed)"
        case .cancelled:
            result.failure = "cancelled: the dispatcher was stopped while it ran"
        case .skipped(let reason):
            result.failure = "could not start: \(reason)"
        case .notStarted(let message):
            result.failure = "could not start: \(message)"
        }
        return result
    }

    /// The program and arguments that run `script`: the script itself when it has a run bit and starts with `#!`,
    /// else bash with the script as its argument.
    ///
    /// - Parameter searchPath: a `PATH` value, searched for `bash` when `/bin/bash` is not there.
    /// - Returns: nil when the script needs bash and none is found.
    public static func invocation(of script: URL, searchPath: String?) -> [String]? {
        if access(script.path, X_OK) == 0, hasInterpreterLine(script) { return [script.path] }
        guard let bash = bashExecutable(searchPath: searchPath) else { return nil }
        return [bash, script.path]
    }

    /// `/bin/bash` when it exists, else the first `bash` on `searchPath`.
    static func bashExecutable(searchPath: String?) -> String? {
        let candidates = ["/bin"] + (searchPath ?? "").split(separator: ":").map(String.init)
        for folder in candidates where !folder.isEmpty {
            let path = URL(fileURLWithPath: folder).appendingPathComponent("bash").path
            if access(path, X_OK) == 0 { return path }
        }
        return nil
    }

    /// Whether the file starts with `#!`.
    static func hasInterpreterLine(_ script: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: script) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 2)) == Data("#!".utf8)
    }
}
