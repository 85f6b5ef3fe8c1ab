import DeployCore
import Foundation
import Logging

/// Makes a scratch deploy root with one local git repository, runs one cycle with `Dispatcher.runCycle`, prints the
/// result and exits non-zero unless the cycle passed.
@main
struct RunCycle {
    static func main() async {
        // Every logger of the library, the build steps' included, prints warnings and errors only.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        do {
            let root = try makeScratchRoot()
            let status: Int32
            do {
                status = try await runOneCycle(on: root)
            } catch {
                try? FileManager.default.removeItem(at: root.url)
                throw error
            }
            // `exit` runs no `defer`: remove the scratch root first.
            try? FileManager.default.removeItem(at: root.url)
            exit(status)
        } catch {
            FileHandle.standardError.write(Data("RunCycle: \(error)\n".utf8))
            exit(2)
        }
    }

    /// Runs one cycle on `root` and prints what it did; returns the exit status to end with.
    static func runOneCycle(on root: DeployRoot) async throws -> Int32 {
        // Configuration as deployctl reads it: flags > environment > dispatcher.env > defaults.
        let configuration = try ConfigurationLoader(gitIdentity: DeployEnvironment.gitIdentity()).load(root: root.url)
        let logger = Logger(label: "run-cycle")
        // Taking the dispatcher takes the root's lock; it is released when `dispatcher` goes away.
        let dispatcher = try Dispatcher.open(root: root, configuration: configuration, command: "RunCycle", logger: logger)
        let report = try await dispatcher.runCycle(CycleOptions()) { event in
            if case .buildFinished(let repository, let result) = event {
                print("\(repository): \(result.result.rawValue) (\(result.report.errorCount) errors)")
            }
        }
        for repository in report.record.repositories {
            print("\(repository.repository): \(repository.outcome.rawValue), \(repository.summary)")
        }
        print("cycle \(report.cycleID): \(report.record.result.rawValue), exit status \(report.exitStatus)")
        return report.record.result == .passed ? 0 : 1
    }

    /// `ROOT/repos/hello`: a git repository without a remote (built as it is), with a manifest entry whose build and
    /// test commands are shell commands, so the cycle takes well under a second.
    static func makeScratchRoot() throws -> DeployRoot {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("run-cycle-\(UUID().uuidString)")
        let repository = url.appendingPathComponent("repos/hello")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        try "echo building hello\n".write(to: repository.appendingPathComponent("build.sh"), atomically: true, encoding: .utf8)
        try git(["init", "-q", "-b", "main"], in: repository)
        try git(["add", "."], in: repository)
        try git(["-c", "user.name=RunCycle", "-c", "user.email=run-cycle@localhost", "commit", "-q", "-m", "hello"], in: repository)
        let manifest = """
            {"repositories": [{"name": "hello", "url": "https://example.invalid/hello.git",
              "build": ["sh", "-c", "echo ok"], "test": ["sh", "-c", "echo \\"Test Case 'HelloTests.testHello' passed (0.001 seconds)\\""]}]}
            """
        try manifest.write(to: url.appendingPathComponent("deployctl.json"), atomically: true, encoding: .utf8)
        return DeployRoot(url: url)
    }

    static func git(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "git \(arguments.joined(separator: " ")) failed"])
        }
    }
}
