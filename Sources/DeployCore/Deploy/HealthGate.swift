import DeployBuild
import DeployHTTP
import Foundation
import Logging

/// The health gate of a rollout: probes the release (a `GET` of the health URL, or the health command in the
/// release folder) every `interval` seconds until one probe is healthy or `timeout` seconds have passed.
///
/// Without a health check the gate is passed at once: the deploy command's exit status is all there is.
struct HealthGate: Sendable {
    /// How the gate ended.
    struct Result: Sendable, Hashable {
        var healthy: Bool
        var seconds: Double
        var probes: Int
        /// The last probes, oldest first (at most ``keptProbes``): `200 ok`, `500 broken`, `no answer: …`, or a
        /// health command's status and last lines.
        var lastProbes: [String]

        /// What a person reads about the gate's end.
        var summary: String {
            healthy
                ? "healthy after \(Self.format(seconds)) s (\(probes) probe\(probes == 1 ? "" : "s"))"
                : "not healthy within \(Self.format(seconds)) s (\(probes) probe\(probes == 1 ? "" : "s"))"
        }

        static func format(_ seconds: Double) -> String { String(format: "%.1f", seconds) }
    }

    static let keptProbes = 5

    let settings: DeploySettings
    let runner: StepRunner
    let secrets: [String]
    let inheritedVariables: [String]
    let logger: Logger

    /// Probes the release in `folder` with the rollout's `facts` (a health command's environment).
    func run(release folder: URL, facts: [String: String]) async -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        guard let check = settings.health else {
            return Result(healthy: true, seconds: 0, probes: 0, lastProbes: ["no health check: the command's exit status decides"])
        }
        let timeout = Duration.seconds(settings.timeout)
        let interval = Duration.seconds(settings.interval)
        var probes: [String] = []
        var count = 0
        while true {
            let remaining = timeout - (clock.now - start)
            let probeStart = clock.now
            // One probe may take the interval, and at least a second (a health command, a slow answer), never past
            // the deadline: AsyncHTTPClient keeps trying to connect until a request's deadline, so an unbounded
            // first probe of a service still starting would use the whole timeout.
            let limit = min(max(remaining, .milliseconds(100)), max(interval, .seconds(1)))
            let (healthy, seen) = await probe(check, folder: folder, facts: facts, within: limit)
            count += 1
            probes.append(seen)
            if probes.count > Self.keptProbes { probes.removeFirst() }
            let elapsed = clock.now - start
            if healthy {
                return Result(healthy: true, seconds: elapsed.seconds, probes: count, lastProbes: probes)
            }
            if elapsed >= timeout || Task.isCancelled {
                return Result(healthy: false, seconds: elapsed.seconds, probes: count, lastProbes: probes)
            }
            // The next probe one interval after this one started, never past the deadline.
            let wait = min(interval - (clock.now - probeStart), timeout - (clock.now - start))
            if wait > .zero {
                do { try await Task.sleep(for: wait) } catch {
                    return Result(healthy: false, seconds: (clock.now - start).seconds, probes: count, lastProbes: probes)
                }
            }
        }
    }

    private func probe(
        _ check: DeploySettings.HealthCheck, folder: URL, facts: [String: String], within limit: Duration
    ) async -> (Bool, String) {
        switch check {
        case .url(let url):
            let answer = await HTTPHealthProbe(url: url, logger: logger).probe(timeout: limit)
            let excerpt = SecretRedactor(secrets: secrets).redact(answer.excerpt)
                .split(whereSeparator: \.isNewline).prefix(5).joined(separator: " ")
            guard let status = answer.status else { return (false, "no answer: \(excerpt)") }
            return (answer.isHealthy, "\(status) \(excerpt)")
        case .command(let command):
            let step = BuildStep(
                name: "health", command: command, workingDirectory: folder, environment: facts,
                inheritedVariables: inheritedVariables, timeout: limit)
            let outcome = await runner.run(step, log: DiscardingSink(), repository: facts["DEPLOYCTL_REPOSITORY"] ?? "", redacting: secrets)
            let tail = outcome.lastLines.suffix(5).joined(separator: " | ")
            switch outcome.result {
            case .passed: return (true, "exit 0 \(tail)")
            case .failed(let status): return (false, "\(status) \(tail)")
            case .timedOut: return (false, "timed out \(tail)")
            case .cancelled: return (false, "cancelled")
            case .skipped(let reason), .notStarted(message: let reason): return (false, "could not start: \(reason)")
            }
        }
    }
}
