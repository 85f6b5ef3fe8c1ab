import DeployFeedback
import DeployGit
import Foundation
import Logging
import Subprocess
import SystemPackage

/// Owned by the DeployFeedback work: apply-and-commit of N small feedback patches (verification off) in one
/// process, against a shell loop of `git apply --index` + `git commit` doing the same on an identical clone, in the
/// same run.
///
/// Usage: `deployctl-bench feedback-apply [COUNT] [WORKDIR]` (defaults: 200, a fresh temporary folder). With
/// `BENCH_LOOP_FIRST=1` the shell loop runs first; with `BENCH_KEEP=1` the folder is left for a look (and its
/// deletion cannot slow the next run's file creation).
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
        try await sh("git init --quiet --initial-branch=main . && git add -A && git commit --quiet -m initial", in: seed)
        let root = work.appendingPathComponent("root")
        let checkout = root.appendingPathComponent("repos/app")
        let loop = work.appendingPathComponent("loop")
        try await sh(
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
        var deployctl = Duration.zero
        var deployctlCPU = CPUTime(user: 0, system: 0)
        func runDeployctl() async throws {
            let start = clock.now
            let cpuBefore = CPUTime(of: RUSAGE_SELF)
            let outcomes = try await processor.run()
            deployctl = clock.now - start
            deployctlCPU = CPUTime(of: RUSAGE_SELF) - cpuBefore
            let applied = outcomes.filter { if case .applied = $0 { true } else { false } }.count
            guard applied == count else {
                let first = outcomes.first { if case .applied = $0 { false } else { true } }
                throw BenchmarkFailure("deployctl applied \(applied) of \(count): \(first.map { "\($0)" } ?? "")")
            }
        }
        var shell = Duration.zero
        var loopCPU = CPUTime(user: 0, system: 0)
        func runLoop() async throws {
            let start = clock.now
            let childrenBefore = CPUTime(of: RUSAGE_CHILDREN)
            try await sh(
                #"for f in "$1"/*.diff; do n=$(basename "$f" .diff); git apply --index "$f" && git commit --quiet -m "Feedback $n" -m "Feedback-Id: bench-$n" || exit 1; done"#,
                in: loop, arguments: [patches.path])
            shell = clock.now - start
            loopCPU = CPUTime(of: RUSAGE_CHILDREN) - childrenBefore
        }
        // Whichever side runs second creates its files after the first side's deletions, which on a journal-less
        // ext4 makes each new inode dearer; bench/feedback-apply.sh alternates the order between runs.
        let loopFirst = ProcessInfo.processInfo.environment["BENCH_LOOP_FIRST"] == "1"
        if loopFirst {
            try await runLoop()
            try await runDeployctl()
        } else {
            try await runDeployctl()
            try await runLoop()
        }

        let commits = try await sh("git rev-list --count HEAD", in: checkout)
        let loopCommits = try await sh("git rev-list --count HEAD", in: loop)
        let same = try await sh("git rev-parse HEAD^{tree}", in: checkout) == (try await sh("git rev-parse HEAD^{tree}", in: loop))
        print(
            "feedback-apply: \(count) patches, verification off, same run (\(loopFirst ? "loop" : "deployctl") first), "
                + "on \(fileSystem(of: work))")
        print(
            String(
                format: "  deployctl (one process, journaled): %8.3f s  (%.2f ms per feedback, %@ commits; %@)",
                seconds(deployctl), seconds(deployctl) * 1000 / Double(count), commits,
                deployctlCPU.perItem(count)))
        print(
            String(
                format: "  shell loop git apply + git commit:  %8.3f s  (%.2f ms per patch, %@ commits; %@)",
                seconds(shell), seconds(shell) * 1000 / Double(count), loopCommits, loopCPU.perItem(count)))
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

    /// The file system holding `url`, from `/proc/mounts` (what file creation costs depends on it).
    static func fileSystem(of url: URL) -> String {
        let path = url.resolvingSymlinksInPath().path
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return path }
        var best: (mountPoint: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 3 else { continue }
            let mountPoint = fields[1]
            let inside = mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
            if inside, mountPoint.count >= (best?.mountPoint.count ?? -1) { best = (mountPoint, fields[2]) }
        }
        guard let best else { return path }
        return "\(best.type) mounted at \(best.mountPoint) (\(path))"
    }

    /// User and system CPU time from `getrusage` (for the loop: of its finished child processes).
    struct CPUTime {
        var user: Double
        var system: Double

        init(user: Double, system: Double) {
            self.user = user
            self.system = system
        }

        init(of who: __rusage_who) {
            var usage = rusage()
            getrusage(__rusage_who_t(who.rawValue), &usage)
            user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        }

        static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
            CPUTime(user: lhs.user - rhs.user, system: lhs.system - rhs.system)
        }

        /// "cpu user U + sys S ms each".
        func perItem(_ count: Int) -> String {
            String(
                format: "cpu user %.2f + sys %.2f ms each", user * 1000 / Double(count), system * 1000 / Double(count))
        }
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs a `/bin/sh -c` script with an isolated git configuration; returns its trimmed stdout.
    @discardableResult
    static func sh(_ script: String, in directory: URL, arguments: [String] = []) async throws -> String {
        var environment: [Environment.Key: String?] = ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"]
        for key in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"] { environment[Environment.Key(stringLiteral: key)] = "deployctl bench" }
        for key in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"] {
            environment[Environment.Key(stringLiteral: key)] = "bench@example.invalid"
        }
        let result = try await Subprocess.run(
            .path(FilePath("/bin/sh")), arguments: Arguments(["-c", script, "sh"] + arguments),
            environment: .inherit.updating(environment), workingDirectory: FilePath(directory.path),
            output: .string(limit: 1 << 20), error: .discarded)
        guard result.terminationStatus.isSuccess else {
            throw BenchmarkFailure("script failed (\(result.terminationStatus)): \(script)")
        }
        return (result.standardOutput ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
