import Foundation
import Synchronization

/// Whether a Docker engine answers, asked once (`docker info`) and remembered, so a cycle says it once.
public final class DockerEngine: Sendable {
    private let answer = Mutex<String??>(nil)
    private let announced = Mutex(false)
    private let command: [String]

    /// Creates a probe that runs `command` (default `docker info`); an exit status 0 means the engine answers.
    public init(probeCommand: [String] = ["docker", "info"]) {
        self.command = probeCommand
    }

    /// `nil` when an engine answers; otherwise why Docker steps are skipped.
    public func unavailableReason(runner: StepRunner = StepRunner()) async -> String? {
        if let known = answer.withLock({ $0 }) { return known }
        let sink = DiscardingSink()
        let step = BuildStep(
            name: "docker-probe",
            command: command,
            workingDirectory: URL(fileURLWithPath: "/"),
            timeout: .seconds(20),
            gracePeriod: .seconds(1)
        )
        let outcome = await runner.run(step, log: sink)
        let reason: String?
        switch outcome.result {
        case .passed: reason = nil
        case .notStarted: reason = "no Docker client (\(command[0]) not found)"
        default:
            reason = "no Docker engine answers (`\(command.joined(separator: " "))` \(Self.describe(outcome.result)))"
        }
        answer.withLock { $0 = .some(reason) }
        return reason
    }

    /// `true` the first time it is called, then `false`: lets the cycle say "no Docker engine" once.
    public func shouldAnnounceUnavailability() -> Bool {
        announced.withLock { done in
            defer { done = true }
            return !done
        }
    }

    private static func describe(_ result: StepOutcome.Result) -> String {
        switch result {
        case .failed(let status): "ended with \(status)"
        case .timedOut: "timed out"
        default: "did not run"
        }
    }
}
