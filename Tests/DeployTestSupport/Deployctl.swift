import Foundation

/// Runs the built `deployctl` executable, as users and CI do.
///
/// The binaries are the ones SwiftPM built beside the test bundle (`swift build --build-tests` builds them all).
public enum Deployctl {
    /// The path of the built `deployctl`, the shipped binary.
    public static var executable: URL { builtExecutable(named: "deployctl") }

    /// The path of the built `deployctl-faults`: the test-only binary, `deployctl`'s commands with a fault-injection
    /// plan armed from `DEPLOYCTL_CRASH_AT` (the crash suite runs it; it is not a product).
    public static var faultsExecutable: URL { builtExecutable(named: "deployctl-faults") }

    /// The executable `name` in the build folder the test bundle runs from.
    static func builtExecutable(named name: String) -> URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        var candidates = [bundleDirectory.appendingPathComponent(name)]
        // On macOS the runner is xctest inside the toolchain; the bundle sits in the build folder instead.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/\(name)"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs `deployctl ARGUMENTS` with a clean environment (only PATH, HOME and `environment`), so the developer's
    /// own variables never leak into a test.
    @discardableResult
    public static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> ShellResult {
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
        ]
        for (key, value) in Shell.isolatedGitEnvironment { env[key] = value }
        for (key, value) in environment { env[key] = value }
        let result = try Shell.run(
            ["env", "-i"] + env.map { "\($0)=\($1)" }.sorted() + [executable.path] + arguments, in: directory)
        keepCapturedOutput(of: arguments, result.stdout, result.stderr)
        return result
    }

    /// With `DEPLOYCTL_TEST_ARTIFACTS` set, writes a run's captured output to `DIR/captured-output/` for the secret
    /// scan; does nothing otherwise.
    public static func keepCapturedOutput(of arguments: [String], _ stdout: String, _ stderr: String) {
        guard let artifacts = ScratchDirectory.artifactsDirectory else { return }
        let folder = artifacts.appendingPathComponent("captured-output", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let text = "$ deployctl \(arguments.joined(separator: " "))\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)\n"
        try? Data(text.utf8).write(to: folder.appendingPathComponent("\(UUID().uuidString).txt"))
    }
}
