import Foundation
import Subprocess
import SystemPackage

/// Finds the Swift toolchain to build with and records its version.
///
/// Order, first match wins: the explicit override (a manifest setting), then `DEPLOY_SWIFT` from the environment,
/// then `xcrun swift` on macOS when `xcrun` exists, then `swift` on `PATH`. An override may be a path or a name
/// looked up on `PATH`.
public struct ToolchainLocator: Sendable {
    /// The environment variable that names a toolchain (`/opt/swift/usr/bin/swift` or a name on `PATH`).
    public static let environmentOverride = "DEPLOY_SWIFT"

    /// The machine facts the search uses.
    public var probe: ToolchainProbe

    /// Creates a locator over `probe`.
    public init(probe: ToolchainProbe) {
        self.probe = probe
    }

    /// Finds the toolchain and runs `swift --version` to record its version.
    ///
    /// - Parameters:
    ///   - override: a path or name that wins over everything else (e.g. from the manifest); `nil` to search.
    ///   - cache: where versions of unchanged toolchain files are remembered; `nil` always runs `swift --version`.
    /// - Returns: the toolchain with its version string.
    /// - Throws: ``BuildError/Code/toolchainNotFound`` naming every place looked at, or
    ///   ``BuildError/Code/toolchainUnusable`` when `--version` fails.
    public func locate(override: String? = nil, cache: ToolchainVersionCache? = nil) async throws(BuildError)
        -> Toolchain
    {
        let command = try findCommand(override: override)
        if let cached = cache?.version(for: command) {
            return Toolchain(command: command, version: cached)
        }
        let version = try await Self.version(of: command, environment: probe.environment)
        cache?.remember(version, for: command)
        return Toolchain(command: command, version: version)
    }

    /// The command that invokes `swift`, without running it.
    public func findCommand(override: String?) throws(BuildError) -> [String] {
        var looked: [String] = []
        if let override, !override.isEmpty {
            if let path = probe.lookUp(override) { return [path] }
            throw BuildError(.toolchainNotFound, "no Swift toolchain at override '\(override)' (\(Self.why(override)))")
        }
        if let fromEnvironment = probe.environment[Self.environmentOverride], !fromEnvironment.isEmpty {
            if let path = probe.lookUp(fromEnvironment) { return [path] }
            throw BuildError(
                .toolchainNotFound,
                "no Swift toolchain at \(Self.environmentOverride)='\(fromEnvironment)' (\(Self.why(fromEnvironment)))"
            )
        }
        looked.append("\(Self.environmentOverride) (unset)")
        if probe.isMacOS {
            if let xcrun = probe.xcrunPath { return [xcrun, "swift"] }
            looked.append("xcrun on PATH")
        }
        if let swift = probe.lookUp("swift") { return [swift] }
        let path = probe.searchPath.joined(separator: ":")
        looked.append("swift on PATH (\(path.isEmpty ? "PATH empty" : path))")
        throw BuildError(.toolchainNotFound, "no Swift toolchain found; looked for " + looked.joined(separator: ", "))
    }

    private static func why(_ name: String) -> String {
        name.contains("/") ? "not an executable file" : "not an executable file on PATH"
    }

    /// Runs `command --version` and returns the line that names the version (the first non-empty line otherwise).
    static func version(of command: [String], environment: [String: String]) async throws(BuildError) -> String {
        let output: String
        do {
            let result = try await Subprocess.run(
                .path(.init(command[0])),
                arguments: Arguments(Array(command.dropFirst()) + ["--version"]),
                environment: .custom(
                    Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(rawValue: $0.key)!, $0.value) })
                ),
                output: .string(limit: 64 * 1024),
                error: .combinedWithOutput
            )
            guard result.terminationStatus.isSuccess else {
                throw BuildError(
                    .toolchainUnusable,
                    "'\(command.joined(separator: " ")) --version' ended with \(result.terminationStatus)"
                )
            }
            output = result.standardOutput
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError(
                .toolchainUnusable,
                "could not run '\(command.joined(separator: " ")) --version': \(error)"
            )
        }
        let lines = output.split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) }
        if let line = lines.first(where: { $0.contains("Swift version") }) ?? lines.first(where: { !$0.isEmpty }) {
            return line
        }
        throw BuildError(.toolchainUnusable, "'\(command.joined(separator: " ")) --version' printed nothing")
    }
}
