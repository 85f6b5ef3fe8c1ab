import Foundation

/// The command that restarts a repository's services after a successful publish.
///
/// It is never taken from the feedback file: it is `commands/restart-NAME.sh` for a valid repository name, else
/// `commands/restart-services.sh`, else there is none. The feedback's `restart` field only says whether to run it.
public struct RestartCommand: Sendable, Hashable, Codable {
    /// The script to run.
    public var script: URL
    /// The script's path relative to the deploy root, for records and logs (`commands/restart-api.sh`).
    public var displayPath: String

    public init(script: URL, displayPath: String) {
        self.script = script
        self.displayPath = displayPath
    }

    /// Finds the restart command for `repository` in `commandsDirectory` (the root's `commands/`).
    ///
    /// - Returns: `nil` when neither script exists as a regular file, or when the repository name is not valid
    ///   (then only `restart-services.sh` is considered).
    public static func resolve(commandsDirectory: URL, repository: String) -> RestartCommand? {
        var candidates: [String] = []
        if FeedbackNames.isValidRepositoryName(repository) { candidates.append("restart-\(repository).sh") }
        candidates.append("restart-services.sh")
        for name in candidates {
            let url = commandsDirectory.appendingPathComponent(name)
            var info = stat()
            if stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                return RestartCommand(script: url, displayPath: "commands/\(name)")
            }
        }
        return nil
    }
}

/// What running a restart command did; goes into the result record.
public struct RestartOutcome: Sendable, Hashable, Codable {
    /// The script's path relative to the deploy root.
    public var command: String
    /// The exit status, when the script exited.
    public var exitStatus: Int32?
    /// The signal that ended it, when it was killed (by the timeout or otherwise).
    public var signal: Int32?
    /// Whether the timeout ended it.
    public var timedOut: Bool
    public var seconds: Double
    /// Where its output went.
    public var logFile: String?
    /// Why the restart failed, for people: `exited with status 1`, `killed by signal 9`, `timed out after 300 s …`,
    /// `could not start: …`; nil when it succeeded (and in records written before this field existed).
    public var failure: String?

    public init(
        command: String, exitStatus: Int32?, signal: Int32? = nil, timedOut: Bool = false, seconds: Double,
        logFile: String? = nil, failure: String? = nil
    ) {
        self.command = command
        self.exitStatus = exitStatus
        self.signal = signal
        self.timedOut = timedOut
        self.seconds = seconds
        self.logFile = logFile
        self.failure = failure
    }

    /// Whether the script exited with status 0.
    public var succeeded: Bool { exitStatus == 0 && !timedOut }

    /// One line for people when the restart failed (`commands/restart-api.sh exited with status 1`); nil when it
    /// succeeded.
    public var failureSummary: String? {
        guard !succeeded else { return nil }
        let reason =
            failure ?? exitStatus.map { "exited with status \($0)" } ?? signal.map { "killed by signal \($0)" }
            ?? (timedOut ? "timed out" : "could not start")
        return "\(command) \(reason)"
    }
}

/// Runs a restart command with a timeout, its output going to the log; the dispatcher supplies one.
public protocol RestartRunner: Sendable {
    /// Runs `command` in `directory`; a failure to run is an outcome (`exitStatus` nil), not a thrown error.
    /// - Parameter facts: `DEPLOYCTL_*` variables about the change (repository, revision, previous revision,
    ///   feedback id), set for the command on top of the scrubbed environment every step gets.
    func run(_ command: RestartCommand, in directory: URL, timeout: Duration, facts: [String: String]) async
        -> RestartOutcome
}
