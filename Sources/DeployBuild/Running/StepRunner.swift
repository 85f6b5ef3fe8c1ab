import Foundation
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs one ``BuildStep``: streams its output line by line into a log, enforces its timeout, and leaves no process
/// behind. Its environment is never the dispatcher's whole environment (``StepEnvironment``), and a step with a
/// ``StepSandbox`` runs inside it.
///
/// The child runs in its own session (its own process group). On timeout or cancellation of the calling task the
/// whole group gets `SIGTERM`, then `SIGKILL` after the step's grace period; after every step any process still in
/// the group is ended the same way. Output is never held whole in memory: each chunk read from the pipes is split
/// into lines, redacted, and appended to the sink at once.
public struct StepRunner: Sendable {
    /// How many of the last output lines an outcome keeps.
    public var tailLineCount: Int
    /// The dispatcher's environment, which each step gets only through ``StepEnvironment``'s allow-list.
    public var inheritedEnvironment: [String: String]
    /// Fault injection for crash tests (reaches ``FaultPoint/stepRunning`` as each step's process starts); the
    /// default injects nothing.
    public var faults: FaultInjection

    /// Creates a runner.
    public init(
        tailLineCount: Int = 30, inheritedEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        faults: FaultInjection = FaultInjection()
    ) {
        self.tailLineCount = tailLineCount
        self.inheritedEnvironment = inheritedEnvironment
        self.faults = faults
    }

    /// Runs `step` to its end.
    ///
    /// - Parameters:
    ///   - step: what to run.
    ///   - log: where every output line goes (stdout and stderr interleaved by line, as they come).
    ///   - repository: the repository name written in the step's log header.
    ///   - secrets: strings replaced by `***` in every line written or forwarded, and in the recorded command.
    ///   - live: called with each (redacted) line as it arrives, e.g. to show progress in a terminal.
    /// - Returns: the outcome; a failing command, a timeout or a cancellation is an outcome, never a throw.
    public func run(
        _ step: BuildStep,
        log: some StepOutputSink,
        repository: String = "",
        redacting secrets: [String] = [],
        live: (@Sendable (String) -> Void)? = nil
    ) async -> StepOutcome {
        let redactor = SecretRedactor(secrets: secrets)
        let command = redactor.redact(step.command)
        let clock = ContinuousClock()
        let start = clock.now
        let capture = OutputCapture(sink: log, redactor: redactor, live: live, tailLineCount: tailLineCount)
        var headerError: BuildError?
        func outcome(_ result: StepOutcome.Result) -> StepOutcome {
            StepOutcome(
                step: step.name,
                command: command,
                result: result,
                duration: clock.now - start,
                lastLines: capture.tail(),
                outputBytes: capture.byteCount(),
                logError: (headerError ?? capture.writeError())?.description
            )
        }
        guard let first = step.command.first, !first.isEmpty else {
            return outcome(.notStarted(message: "empty command"))
        }
        let launched = step.sandbox?.wrap(step.command, workingDirectory: step.workingDirectory) ?? step.command
        let executablePath = launched[0]
        do {
            try log.beginStep(repository: repository, step: step.name, command: command)
        } catch {
            // A log that cannot be written (a full disk) is reported in ``StepOutcome/logError``; the step still
            // runs, so an infrastructure problem is not recorded as the repository's failure.
            headerError = error
        }
        if Task.isCancelled { return outcome(.cancelled) }

        let groupID = ProcessGroupID()
        let race: RaceResult = await withTaskGroup(of: RaceResult?.self) { group in
            group.addTask {
                do {
                    let result = try await Self.spawn(
                        step, command: launched, inheriting: inheritedEnvironment, secrets: secrets
                    ) { execution in
                        let pid = execution.processIdentifier.value
                        groupID.set(pid)
                        faults.reach(.stepRunning)
                        try await withThrowingTaskGroup(of: Bool.self) { drains in
                            drains.addTask {
                                try await capture.drain(execution.standardOutput)
                                return true
                            }
                            drains.addTask {
                                try await capture.drain(execution.standardError)
                                return true
                            }
                            drains.addTask {
                                await ProcessGroupTerminator.endOrphans(of: pid, grace: step.gracePeriod)
                                return false
                            }
                            var drained = 0
                            while drained < 2, let finished = try await drains.next() {
                                if finished { drained += 1 }
                            }
                            drains.cancelAll()
                        }
                    }
                    return .finished(result)
                } catch {
                    if Task.isCancelled { return nil }
                    return .spawnFailed(redactor.redact(Self.describe(error)))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: step.timeout)
                    return .timedOut
                } catch {
                    return nil
                }
            }
            let first = await group.next() ?? nil
            switch first {
            case .finished(let status):
                group.cancelAll()
                return .finished(status)
            case .spawnFailed(let message):
                group.cancelAll()
                return .spawnFailed(message)
            case .timedOut, .cancelled, nil:
                group.cancelAll()
                // swift-subprocess starts its own teardown on cancellation; this one also reaches processes that
                // outlive the direct child, so that the pipes close and the drains end.
                await ProcessGroupTerminator.terminate(groupID.value, grace: step.gracePeriod)
                await group.waitForAll()
                return first ?? .cancelled
            }
        }
        await ProcessGroupTerminator.terminate(groupID.value, grace: step.gracePeriod)
        switch race {
        case .finished(.exited(0)): return outcome(.passed)
        case .finished(.exited(let code)): return outcome(.failed(.exited(code)))
        case .finished(.signaled(let signal)): return outcome(.failed(.signaled(signal)))
        case .timedOut: return outcome(.timedOut)
        case .cancelled: return outcome(.cancelled)
        case .spawnFailed(let message): return outcome(.notStarted(message: message))
        }
    }

    private enum RaceResult: Sendable {
        case finished(TerminationStatus)
        case timedOut
        case cancelled
        case spawnFailed(String)
    }

    private static func spawn(
        _ step: BuildStep,
        command: [String],
        inheriting inherited: [String: String],
        secrets: [String],
        body: (Execution<NoInput, SequenceOutput, SequenceOutput>) async throws -> Void
    ) async throws -> TerminationStatus {
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: step.gracePeriod)
        ]
        var settings = step.environment
        // Marks the step for OrphanedSteps, unless its processes may outlive deployctl (a restart's services).
        if step.ownership == .dispatcher { settings[OrphanedSteps.ownerVariable] = String(getpid()) }
        if let sandbox = step.sandbox {
            // Its own HOME, and the private /tmp for temporary files (a TMPDIR elsewhere is read-only in there).
            settings["HOME"] = StepSandbox.path(sandbox.home)
            settings["TMPDIR"] = "/tmp"
        }
        let variables = StepEnvironment.make(
            inheriting: inherited, names: step.inheritedVariables, settings: settings,
            secrets: secrets)
        var environment: [Environment.Key: String] = [:]
        for (key, value) in variables {
            if let key = Environment.Key(rawValue: key) { environment[key] = value }
        }
        let executable = command[0]
        let result = try await Subprocess.run(
            executable.contains("/") ? .path(FilePath(executable)) : .name(executable),
            arguments: Arguments(Array(command.dropFirst())),
            environment: .custom(environment),
            workingDirectory: FilePath(step.workingDirectory.path),
            platformOptions: options,
            input: .none,
            output: .sequence,
            error: .sequence,
            body: body
        )
        return result.terminationStatus
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? SubprocessError {
            return "\(error)"
        }
        return String(describing: error)
    }
}

/// The process group id of a running step, set once the process has started.
private final class ProcessGroupID: Sendable {
    private let storage = Mutex<pid_t>(0)
    func set(_ id: pid_t) { storage.withLock { $0 = id } }
    var value: pid_t { storage.withLock { $0 } }
}
