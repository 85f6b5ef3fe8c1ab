import DeployTestSupport
import Foundation

/// One run of the built `deployctl` that may end by a signal: with a kill point armed (then the run is of the
/// test-only `deployctl-faults`, which reads `DEPLOYCTL_CRASH_AT`), or killed after a delay.
///
/// Output goes to files in the run's folder (kept for the secret scan), not pipes, so a killed run never leaves a
/// reader waiting. The environment is clean, as in ``Deployctl/run(_:in:environment:)``.
struct BinaryRun: Sendable {
    var status: Int32
    /// True when the process ended by a signal (`status` is then the signal number).
    var signaled: Bool
    var stdout: String
    var stderr: String

    var killed: Bool { signaled && status == SIGKILL }
    var transcript: String { "status \(status)\(signaled ? " (signal)" : "")\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }

    /// Runs `deployctl ARGUMENTS`, or `deployctl-faults ARGUMENTS` when `crashAt` is given.
    /// - Parameters:
    ///   - crashAt: arms `DEPLOYCTL_CRASH_AT` (`NAME` or `NAME@N`) and runs the test-only `deployctl-faults`.
    ///   - killAfter: sends `SIGKILL` after this long if the process still runs.
    ///   - outputFolder: where stdout and stderr are written.
    static func run(
        _ arguments: [String], environment: [String: String], crashAt: String? = nil, killAfter: Duration? = nil,
        outputFolder: URL
    ) throws -> BinaryRun {
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
        ]
        for (key, value) in Shell.isolatedGitEnvironment { env[key] = value }
        for (key, value) in environment { env[key] = value }
        if let crashAt { env["DEPLOYCTL_CRASH_AT"] = crashAt }
        try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        let stem = "\(Date().timeIntervalSince1970)-\(UUID().uuidString.prefix(6))"
        let outURL = outputFolder.appendingPathComponent("\(stem).stdout")
        let errURL = outputFolder.appendingPathComponent("\(stem).stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = try ChildProcess(
            [(crashAt == nil ? Deployctl.executable : Deployctl.faultsExecutable).path] + arguments, environment: env, output: out.fileDescriptor,
            error: err.fileDescriptor)
        if let killAfter {
            let deadline = Date().addingTimeInterval(killAfter.seconds)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            process.send(SIGKILL)
        }
        let termination = process.wait()
        let result = BinaryRun(
            status: termination.status, signaled: termination.signaled,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
        Deployctl.keepCapturedOutput(of: arguments, result.stdout, result.stderr)
        return result
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
