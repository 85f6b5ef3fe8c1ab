import DeployFeedback
import Foundation

/// A manifest entry's `deploy` block: how each green revision of the repository is rolled out.
///
/// ```json
/// "deploy": { "command": ["sh", "deploy.sh"], "health": { "url": "http://127.0.0.1:8080/healthz" },
///             "timeout": 60, "interval": 2, "keep": 5 }
/// ```
/// Every key is optional; an empty block (`"deploy": {}`) deploys with the restart script of `commands/` and no
/// health check beyond the command's own exit status. Documented in `docs/deploying.md`.
public struct DeploySettings: Sendable, Hashable, Codable {
    /// How a release is judged healthy.
    public enum HealthCheck: Sendable, Hashable, Codable {
        /// Healthy when a `GET` of the URL answers 2xx.
        case url(URL)
        /// Healthy when the command, run in the release folder, exits with status 0.
        case command([String])
    }

    /// The program and arguments run in the release folder; nil runs `commands/restart-NAME.sh`, else
    /// `commands/restart-services.sh` (``RestartCommand/resolve(commandsDirectory:repository:)``).
    public var command: [String]?
    /// The gate; nil trusts the command's exit status alone.
    public var health: HealthCheck?
    /// How long the gate waits for healthy (default 60 s).
    public var timeout: Double
    /// The time between probes (default 2 s).
    public var interval: Double
    /// How many releases stay on disk (default 5; the current and the previous healthy one are always kept).
    public var keep: Int

    public init(
        command: [String]? = nil, health: HealthCheck? = nil, timeout: Double = 60, interval: Double = 2, keep: Int = 5
    ) {
        self.command = command
        self.health = health
        self.timeout = timeout
        self.interval = interval
        self.keep = keep
    }

    /// The longest `timeout` accepted, a day: a gate is a bounded wait.
    static let maximumTimeout: Double = 86_400

    /// Reads a `deploy` block; `location` (`deployctl.json: repositories[0].deploy`) is used in messages.
    /// - Throws: ``DispatcherError`` with code `invalidManifest` naming the field, what was found and what is accepted.
    init(parsing block: [String: JSONValue], location: String) throws(DispatcherError) {
        try Manifest.rejectUnknownKeys(
            block, allowed: ["command", "health", "timeout", "interval", "keep"], location: location)
        self.init()
        command = try Manifest.optionalField(block, "command", .strings, location: location)
        if command?.isEmpty == true {
            throw DispatcherError(
                .invalidManifest, location: "\(location).command", found: "an empty command",
                accepted: "an array of strings: the program and its arguments")
        }
        if let health = try Manifest.optionalField(block, "health", .object, location: location) {
            self.health = try Self.healthCheck(health, location: "\(location).health")
        }
        timeout = try Self.seconds(block, "timeout", default: 60, maximum: Self.maximumTimeout, location: location)
        interval = try Self.seconds(block, "interval", default: 2, maximum: timeout, location: location)
        let keep = try Manifest.optionalField(block, "keep", .integer, location: location) ?? 5
        guard (1...1000).contains(keep) else {
            throw DispatcherError(
                .invalidManifest, location: "\(location).keep", found: "\(keep)",
                accepted: "a whole number of releases from 1 to 1000")
        }
        self.keep = keep
    }

    private static func healthCheck(_ object: [String: JSONValue], location: String) throws(DispatcherError)
        -> HealthCheck
    {
        try Manifest.rejectUnknownKeys(object, allowed: ["url", "command"], location: location)
        let url = try Manifest.optionalField(object, "url", .string, location: location)
        let command = try Manifest.optionalField(object, "command", .strings, location: location)
        switch (url, command) {
        case (let text?, nil):
            guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https", parsed.host?.isEmpty == false, parsed.user == nil,
                parsed.password == nil
            else {
                throw DispatcherError(
                    .invalidManifest, location: "\(location).url", found: "'\(text)'",
                    accepted: "an http:// or https:// URL with a host and no user name or password")
            }
            return .url(parsed)
        case (nil, let command?) where !command.isEmpty:
            return .command(command)
        case (nil, _?):
            throw DispatcherError(
                .invalidManifest, location: "\(location).command", found: "an empty command",
                accepted: "an array of strings: the program and its arguments")
        default:
            throw DispatcherError(
                .invalidManifest, location: location,
                found: url == nil ? "neither 'url' nor 'command'" : "both 'url' and 'command'",
                accepted: "exactly one of {\"url\": \"http://…\"} and {\"command\": [\"…\"]}")
        }
    }

    private static func seconds(
        _ block: [String: JSONValue], _ key: String, default value: Double, maximum: Double, location: String
    ) throws(DispatcherError) -> Double {
        guard let seconds = try Manifest.optionalField(block, key, .number, location: location) else { return value }
        guard seconds > 0, seconds <= maximum else {
            throw DispatcherError(
                .invalidManifest, location: "\(location).\(key)", found: "\(seconds)",
                accepted: key == "interval"
                    ? "seconds above 0, at most the timeout (\(maximum))"
                    : "seconds above 0, at most \(Int(maximum))")
        }
        return seconds
    }
}
