import Foundation

/// The result of a command run by ``Shell``.
public struct ShellResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs external commands (the `git` CLI, `swift`, the built `deployctl`) from tests.
///
/// Tests use the real `git` binary to build fixtures and to check what deployctl did, so that assertions do not
/// depend on the code under test.
public enum Shell {
    public struct Failure: Error, CustomStringConvertible {
        public let command: [String]
        public let result: ShellResult
        public var description: String {
            "command failed (\(result.status)): \(command.joined(separator: " "))\nstdout: \(result.stdout)\nstderr: \(result.stderr)"
        }
    }

    /// Runs `arguments` (the first is looked up on PATH) and returns its output; never throws for a non-zero exit.
    @discardableResult
    public static func run(
        _ arguments: [String],
        in directory: URL? = nil,
        environment: [String: String] = [:],
        input: String? = nil
    ) throws -> ShellResult {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in Shell.isolatedGitEnvironment { env[key] = value }
        for (key, value) in environment { env[key] = value }
        let inPipe = try ClosingPipe()
        let outPipe = try ClosingPipe()
        let errPipe = try ClosingPipe()
        // A ChildProcess, not Foundation's Process: see ChildProcess for why its waitUntilExit can hang here.
        let child = try ChildProcess(
            arguments, in: directory, environment: env, input: inPipe.read, output: outPipe.write,
            error: errPipe.write)
        inPipe.closeRead()
        outPipe.closeWrite()
        errPipe.closeWrite()
        if let input { inPipe.writeAll(Data(input.utf8)) }
        inPipe.closeWrite()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = LockedData()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.set(errPipe.readToEnd())
            group.leave()
        }
        let outData = outPipe.readToEnd()
        group.wait()
        let termination = child.wait()
        return ShellResult(
            status: termination.status,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.get(), as: UTF8.self)
        )
    }

    /// Runs `arguments` and throws ``Failure`` unless it exits 0; returns stdout with trailing newlines trimmed.
    @discardableResult
    public static func check(
        _ arguments: [String],
        in directory: URL? = nil,
        environment: [String: String] = [:],
        input: String? = nil
    ) throws -> String {
        let result = try run(arguments, in: directory, environment: environment, input: input)
        guard result.status == 0 else { throw Failure(command: arguments, result: result) }
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// Keeps the developer's own git configuration out of fixtures: a fixed identity, no global or system config.
    public static let isolatedGitEnvironment: [String: String] = [
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Fixture Author",
        "GIT_AUTHOR_EMAIL": "fixture@example.invalid",
        "GIT_COMMITTER_NAME": "Fixture Author",
        "GIT_COMMITTER_EMAIL": "fixture@example.invalid",
        "GIT_TERMINAL_PROMPT": "0",
    ]
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
