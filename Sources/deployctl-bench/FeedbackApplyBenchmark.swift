import DeployFeedback
import DeployGit
import Foundation
import Logging

/// Owned by the DeployFeedback work: apply-and-commit of N small feedback patches (verification off) in one
/// process, against a shell loop of `git apply --index` + `git commit` doing the same on an identical clone, in the
/// same run.
///
/// Usage: `deployctl-bench feedback-apply [COUNT] [WORKDIR]` (defaults: 200, a fresh temporary folder).
enum FeedbackApplyBenchmark {
    static func run(_ arguments: [String]) async throws {
        let count = arguments.first.flatMap(Int.init) ?? 200
        let work =
            arguments.count > 1
            ? URL(fileURLWithPath: arguments[1], isDirectory: true)
            : FileManager.default.temporaryDirectory.appendingPathComponent("deployctl-bench-feedback-\(getpid())")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { if ProcessInfo.processInfo.environment["BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: work) } }

        // One repository with COUNT small files, cloned twice: one for deployctl, one for the shell loop.
        let seed = work.appendingPathComponent("seed")
        try FileManager.default.createDirectory(at: seed, withIntermediateDirectories: true)
        for index in 0..<count {
            let lines = (1...20).map { "file \(index) line \($0)\n" }.joined()
            try Data(lines.utf8).write(to: seed.appendingPathComponent(String(format: "file-%04d.txt", index)))
        }
        try sh("git init --quiet --initial-branch=main . && git add -A && git commit --quiet -m initial", in: seed)
        let root = work.appendingPathComponent("root")
        let checkout = root.appendingPathComponent("repos/app")
        let loop = work.appendingPathComponent("loop")
        try sh(
            "git clone --quiet \(seed.path) \(checkout.path) && git clone --quiet \(seed.path) \(loop.path)", in: work)
        let feedback = root.appendingPathComponent("feedback")
        let patches = work.appendingPathComponent("patches")
        for folder in [feedback, patches, root.appendingPathComponent("commands")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        // COUNT patches, each changing line 10 of its own file; as feedback files and as plain diff files.
        for index in 0..<count {
            let name = String(format: "file-%04d.txt", index)
            let patch = """
                diff --git a/\(name) b/\(name)
                --- a/\(name)
                +++ b/\(name)
                @@ -8,5 +8,5 @@
                 file \(index) line 8
                 file \(index) line 9
                -file \(index) line 10
                +file \(index) line 10, changed by feedback
                 file \(index) line 11
                 file \(index) line 12

                """
            let stem = String(format: "%04d", index)
            let document: [String: Any] = [
                "version": 1, "id": "bench-\(stem)", "repo": "app", "patch": patch, "description": "Feedback \(stem)",
                "restart": false,
            ]
            try JSONSerialization.data(withJSONObject: document).write(
                to: feedback.appendingPathComponent("\(stem).json"))
            try Data(patch.utf8).write(to: patches.appendingPathComponent("\(stem).diff"))
        }

        let processor = FeedbackProcessor(
            feedbackDirectory: feedback, commandsDirectory: root.appendingPathComponent("commands"),
            repositories: [FeedbackRepository(name: "app", directory: checkout)],
            options: FeedbackProcessor.Options(verify: false),
            author: Signature(name: "deployctl bench", email: "bench@example.invalid"), logger: quietLogger)
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = try await processor.run()
        let deployctl = clock.now - start
        let applied = outcomes.filter { if case .applied = $0 { true } else { false } }.count
        guard applied == count else {
            throw BenchmarkFailure(
                "deployctl applied \(applied) of \(count): \(outcomes.first { if case .applied = $0 { false } else { true } }.map { "\($0)" } ?? "")"
            )
        }

        let loopStart = clock.now
        try sh(
            #"for f in "$1"/*.diff; do n=$(basename "$f" .diff); git apply --index "$f" && git commit --quiet -m "Feedback $n" -m "Feedback-Id: bench-$n" || exit 1; done"#,
            in: loop, arguments: [patches.path])
        let shell = clock.now - loopStart

        let commits = try sh("git rev-list --count HEAD", in: checkout)
        let loopCommits = try sh("git rev-list --count HEAD", in: loop)
        let same = try sh("git rev-parse HEAD^{tree}", in: checkout) == (try sh("git rev-parse HEAD^{tree}", in: loop))
        print("feedback-apply: \(count) patches, verification off, same run")
        print(
            String(
                format: "  deployctl (one process, journaled): %8.3f s  (%.2f ms per feedback, %@ commits)",
                seconds(deployctl), seconds(deployctl) * 1000 / Double(count), commits))
        print(
            String(
                format: "  shell loop git apply + git commit:  %8.3f s  (%.2f ms per patch, %@ commits)",
                seconds(shell), seconds(shell) * 1000 / Double(count), loopCommits))
        print(
            String(
                format: "  ratio deployctl / loop: %.2f (target <= 0.33); final trees identical: %@",
                seconds(deployctl) / seconds(shell), same ? "yes" : "NO"))
    }

    /// Warnings only: one line per applied feedback on the terminal is not what is measured.
    static var quietLogger: Logger {
        var logger = Logger(label: "deployctl.bench.feedback")
        logger.logLevel = .warning
        return logger
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs a `/bin/sh -c` script with an isolated git configuration; returns its trimmed stdout.
    @discardableResult
    static func sh(_ script: String, in directory: URL, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        for key in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"] { environment[key] = "deployctl bench" }
        for key in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"] { environment[key] = "bench@example.invalid" }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("script failed (\(process.terminationStatus)): \(script)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
