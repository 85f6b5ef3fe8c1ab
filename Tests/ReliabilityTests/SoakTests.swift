import DeployTestSupport
import Foundation
import Testing

/// A soak run of `deployctl loop` on 50 repositories: cycles woken one after another with SIGHUP, mostly unchanged,
/// with pushes and feedback files injected; memory and file descriptors stay flat, log retention bounds the logs
/// folder, every feedback file is applied once.
///
/// The default (CI) variant runs 60 cycles; `DEPLOYCTL_SOAK=1` runs 1,000 (`DEPLOYCTL_SOAK_CYCLES=N` sets another
/// count). The figures (RSS and peak RSS at cycle 10 and at the end, descriptor counts, wall time) are printed.
@Suite("Soak: 50 repositories, many cycles")
struct SoakTests {
    static let repositoryCount = 50
    static var cycles: Int {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["DEPLOYCTL_SOAK_CYCLES"], let count = Int(text), count >= 10 { return count }
        return environment["DEPLOYCTL_SOAK"] == "1" ? 1000 : 60
    }
    /// Every `pushEvery` cycles a commit is pushed to one remote; every `feedbackEvery` a feedback file is dropped.
    static let pushEvery = 20
    static let feedbackEvery = 25
    static let logsKept = 5
    /// The soak stops (and fails) when the loop's RSS passes this many kB.
    static let memoryGuardKB = 4 << 20

    /// What `/proc/PID` says about the loop.
    struct Sample: CustomStringConvertible {
        var cycle: Int
        var rssKB: Int
        var peakKB: Int
        var descriptors: Int
        /// What each descriptor points at (`readlink /proc/PID/fd/N`), to name a leak when there is one.
        var targets: [String]
        var description: String {
            "cycle \(cycle): VmRSS \(rssKB / 1024) MB, VmHWM \(peakKB / 1024) MB, \(descriptors) fds"
        }

        init(cycle: Int, pid: Int32) {
            self.cycle = cycle
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            func field(_ name: String) -> Int {
                let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
                return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
            }
            rssKB = field("VmRSS")
            peakKB = field("VmHWM")
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            descriptors = fds.count
            targets = fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
                .sorted()
        }

        /// The descriptor targets `later` has beyond this sample's.
        func added(in later: Sample) -> [String] {
            var remaining = targets
            var extra: [String] = []
            for target in later.targets {
                if let index = remaining.firstIndex(of: target) { remaining.remove(at: index) } else { extra.append(target) }
            }
            return extra
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "reads /proc"))
    func aLongLoopStaysFlat() throws {
        let names = (1...Self.repositoryCount).map { String(format: "r%02d", $0) }
        var root = try ReliabilityRoot(prefix: "soak", repositories: names)
        defer { root.scratch.remove() }
        root.environment["DISPATCHER_LOG_KEEP"] = "\(Self.logsKept)"

        let stderrURL = root.runs.appendingPathComponent("loop.stderr")
        try FileManager.default.createDirectory(at: root.runs, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        let started = Date()
        // Without a terminal, as a service manager runs it: SIGHUP then means "cycle now" (docs/running.md).
        let loop = try Deployctl.startWithoutTerminal(
            ["loop", "--root", root.url.path, "--interval", "3600"], environment: root.environment,
            standardError: stderr)
        defer {
            if loop.isRunning { loop.send(SIGKILL) }
            try? stderr.close()
        }
        let reader = try FileHandle(forReadingFrom: stderrURL)
        defer { try? reader.close() }
        var buffered = ""
        var finished = 0
        /// Waits until the loop has printed `cycle N:` for `count` cycles in all.
        func waitForCycles(_ count: Int) throws {
            let deadline = Date().addingTimeInterval(180)
            while finished < count {
                let data = reader.readDataToEndOfFile()
                if data.isEmpty {
                    guard loop.isRunning, Date() < deadline else {
                        throw SoakFailure(message: "the loop stopped or stalled after \(finished) cycles")
                    }
                    Thread.sleep(forTimeInterval: 0.02)
                    continue
                }
                buffered += String(decoding: data, as: UTF8.self)
                var lines = buffered.split(separator: "\n", omittingEmptySubsequences: false)
                buffered = String(lines.removeLast())
                finished += lines.filter { $0.hasPrefix("cycle ") && $0.contains(":") }.count
            }
        }

        var samples: [Sample] = []
        var dropped: [String: String] = [:]  // file → feedback id
        var pushes = 0
        var stoppedEarly: Sample?
        for cycle in 1...Self.cycles {
            try waitForCycles(cycle)
            if cycle == 10 { samples.append(Sample(cycle: cycle, pid: loop.pid)) }
            if cycle % 10 == 0 {
                // A guard for the machine: stop a run whose memory runs away (as libgit2's lookups once made it).
                let sample = Sample(cycle: cycle, pid: loop.pid)
                if sample.rssKB > Self.memoryGuardKB {
                    stoppedEarly = sample
                    break
                }
            }
            if cycle % Self.pushEvery == 0 {
                let target = names[(cycle / Self.pushEvery) % names.count]
                try root.fixture.pushCommit(to: root.remotes[target]!, files: ["soak.txt": "cycle \(cycle)\n"])
                pushes += 1
            }
            if cycle % Self.feedbackEvery == 0 {
                let target = names[(names.count - 1 - cycle / Self.feedbackEvery % names.count)]
                let file = String(format: "soak-%04d.json", cycle)
                try root.dropFeedback(file, repository: target, id: "soak-\(cycle)", text: "soak \(cycle)")
                dropped[file] = "soak-\(cycle)|\(target)"
            }
            if cycle < Self.cycles { loop.send(SIGHUP) }
        }
        // Let the feedback task finish the last files.
        let deadline = Date().addingTimeInterval(120)
        while root.feedbackFiles(in: "applied").count + root.feedbackFiles(in: "rejected").count < dropped.count,
            Date() < deadline
        {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let last = Sample(cycle: finished, pid: loop.pid)
        samples.append(last)
        let logFiles = try FileManager.default.contentsOfDirectory(atPath: root.logs.path)
        let wall = Date().timeIntervalSince(started)
        loop.send(SIGTERM)
        let exitStatus = loop.waitUntilExit()

        let first = try #require(samples.first)
        let perCycle = String(format: "%.2f", wall / Double(finished))
        print(
            """
            soak: \(Self.repositoryCount) repositories, \(finished) cycles in \(Int(wall)) s \
            (\(perCycle) s/cycle); \
            \(samples.map(\.description).joined(separator: "; ")); \(logFiles.count) files in deploy/logs; \
            \(dropped.count) feedback files, \(pushes) new commits
            """)
        #expect(exitStatus == 0, "the loop stops cleanly on SIGTERM")
        // A repository's handle keeps open the pack files it read until the next cycle replaces it, and a fetched
        // push brings a repository its first pack (the fixtures' clones hold loose objects): so packs may be
        // added, one per repository at most. Anything else must not grow.
        let added = first.added(in: last)
        let packs = added.filter { $0.hasSuffix(".pack") }
        let packRepositories = packs.map { $0.components(separatedBy: "/.git/").first ?? $0 }
        #expect(
            added.count - packs.count <= 4,
            "descriptors do not grow: \(first) → \(last); new ones:\n\(added.joined(separator: "\n"))")
        #expect(
            Set(packRepositories).count == packRepositories.count,
            "at most one open pack per repository: \(packs.joined(separator: "\n"))")
        #expect(stoppedEarly == nil, "the loop's memory passed \(Self.memoryGuardKB >> 20) GB: \(stoppedEarly!)")
        // This is what caught libgit2 1.5.1 leaking ~0.25 MB per remote lookup (DeployGit's ConfiguredRemote).
        #expect(last.rssKB <= first.rssKB + first.rssKB / 2, "memory stays flat: \(first) → \(last)")
        let cycleLogs = logFiles.filter { $0.hasPrefix("build-") && $0.hasSuffix(".log") }
        #expect(cycleLogs.count <= Self.logsKept, "retention keeps \(Self.logsKept) cycle logs: \(cycleLogs.sorted())")
        #expect(root.feedbackFiles(in: "applied") == Set(dropped.keys), "every feedback file is applied")
        for (file, value) in dropped {
            let parts = value.split(separator: "|").map(String.init)
            #expect(try root.remoteCommits(parts[1], feedbackID: parts[0]) == 1, "\(file) pushed once")
        }
        try root.expectConsistent(dropped: Set(dropped.keys), context: "soak")
    }
}

struct SoakFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
