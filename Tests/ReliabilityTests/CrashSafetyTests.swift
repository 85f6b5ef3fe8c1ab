import DeployBuild
import DeployTestSupport
import Foundation
import Testing

/// The built binary, killed with `SIGKILL` at named points of a cycle (``FaultPoint/killPoints``, armed through
/// `DEPLOYCTL_CRASH_AT` in the test-only `deployctl-faults`) and at random moments, then run again: nothing is lost,
/// nothing is done twice, and the next cycle completes.
@Suite("Crash safety: SIGKILL at every point of a cycle")
struct CrashSafetyTests {
    /// Every kill point of the direct-push cycle, in the order a cycle reaches them. `@N` is the N-th time the point
    /// is reached (`stepRunning@2` is the test step; `feedbackRecorded@2` the rejected file's record).
    static let cyclePoints = [
        "fetched", "logOpened", "stepRunning@1", "stepRunning@2", "feedbackClaimed", "patchApplied",
        "patchCommitted", "pushed", "feedbackRecorded@1", "feedbackRecorded@2", "stateWriting", "stateWritten",
        "logRotating",
    ]
    /// Points exercised by the other tests of this suite and by `RolloutCrashTests`.
    static let otherPoints = ["pullRequestWaiting", "rolloutSwitched", "rolloutGating", "rollbackSwitched"]

    @Test func everyKillPointIsExercised() {
        let exercised = Set((Self.cyclePoints + Self.otherPoints).map { String($0.prefix { $0 != "@" }) })
        #expect(exercised == Set(FaultPoint.killPoints.map(\.rawValue)))
    }

    /// A root whose next cycle reaches every point: three repositories (one with a new commit on its remote), old
    /// logs for retention to remove, a feedback file to apply by direct push and one to reject.
    static func preparedRoot(_ prefix: String) throws -> ReliabilityRoot {
        let root = try ReliabilityRoot(prefix: prefix, repositories: ["alpha", "beta", "gamma"])
        try root.seedOldLogs(3)
        try root.fixture.pushCommit(to: root.remotes["alpha"]!, files: ["CHANGES.md": "a change\n"])
        try root.dropFeedback("001-fix.json", repository: "alpha", id: "fix-1", text: "hello, fixed")
        try root.dropHostileFeedback("002-hostile.json")
        return root
    }

    @Test(arguments: cyclePoints)
    func aKilledCycleIsRecoveredByTheNextRun(point: String) throws {
        let root = try Self.preparedRoot("crash-\(point.replacingOccurrences(of: "@", with: "-"))")
        defer { root.scratch.remove() }
        let killed = try root.run(["run-once"], crashAt: point)
        try #require(killed.killed, "the run must die at \(point): \(killed.transcript)")

        let recovery = try root.run(["run-once"])
        #expect(!recovery.signaled && recovery.status == 0, "recovery after \(point): \(recovery.transcript)")
        let dropped: Set<String> = ["001-fix.json", "002-hostile.json"]
        try root.expectConsistent(dropped: dropped, context: point)
        #expect(root.feedbackFiles(in: "applied") == ["001-fix.json"], "\(point)")
        #expect(root.feedbackFiles(in: "rejected") == ["002-hostile.json"], "\(point)")
        #expect(try root.remoteCommits("alpha", feedbackID: "fix-1") == 1, "\(point): the fix is pushed exactly once")
        #expect(try root.remoteCommitCount("alpha") == 3, "\(point): initial, pushed change, fix")
        let checkout = try Shell.check(["git", "rev-parse", "HEAD"], in: root.repository("alpha"))
        let remote = try Shell.check(["git", "--git-dir", root.remotes["alpha"]!.path, "rev-parse", "main"])
        #expect(checkout == remote, "\(point): the checkout is at the remote's tip")

        let next = try root.run(["run-once"])
        #expect(!next.signaled && next.status == 0, "next cycle after \(point): \(next.transcript)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: root.logs.path).filter {
            $0.hasPrefix("build-") && $0.hasSuffix(".log")
        }
        #expect(logs.count <= 2, "\(point): log retention keeps 2 cycle logs, found \(logs.sorted())")
    }

    /// Kills at moments nobody chose: a cycle with new commits and feedback, killed after a random delay, twelve
    /// times on the same root; after each kill a complete run restores every invariant.
    @Test func randomlyTimedKillsNeverLeaveTheRootInconsistent() throws {
        let root = try ReliabilityRoot(prefix: "crash-random", repositories: ["alpha", "beta", "gamma"])
        defer { root.scratch.remove() }
        var generator = SystemRandomNumberGenerator()
        var dropped: Set<String> = []
        var expectedFixes = 0
        var kills = 0
        for round in 1...12 {
            let target = ["alpha", "beta"][round % 2]
            try root.fixture.pushCommit(to: root.remotes[target]!, files: ["round.txt": "\(round)\n"])
            let name = String(format: "%03d-round.json", round)
            try root.dropFeedback(name, repository: "gamma", id: "round-\(round)", text: "round \(round)")
            dropped.insert(name)
            expectedFixes += 1
            let delay = Duration.milliseconds(Int.random(in: 20...900, using: &generator))
            let run = try root.run(["run-once"], killAfter: delay)
            if run.killed { kills += 1 }
            let recovery = try root.run(["run-once"])
            #expect(
                !recovery.signaled && recovery.status == 0,
                "round \(round) (killed after \(delay)): \(recovery.transcript)")
            try root.expectConsistent(dropped: dropped, context: "round \(round), killed after \(delay)")
            for fix in 1...round {
                #expect(
                    try root.remoteCommits("gamma", feedbackID: "round-\(fix)") == 1, "round \(round): round-\(fix)")
            }
        }
        print("randomly timed kills: \(kills) of 12 runs were killed mid-cycle")
        #expect(try root.remoteCommitCount("gamma") == 1 + expectedFixes)
    }

    /// A feedback file published through a pull request, killed while the pull request waits to be merged: the next
    /// run finds the same pull request (no second one), and the commit lands once.
    @Test func aKillWhileAPullRequestWaitsReusesThePullRequest() async throws {
        let folder = try ScratchDirectory(prefix: "crash-pr")
        defer { folder.remove() }
        let git = try GitHTTPServer(root: folder.url, token: TestSecrets.gitToken)
        defer { git.stop() }
        let forge = try ForgeContractServer(
            flavor: .github, token: TestSecrets.gitToken, gitRoot: folder.appending("remotes"))
        try await forge.setMergeAfterPolls(3)
        var root = try ReliabilityRoot(
            prefix: "crash-pr", repositories: ["app"], remoteURL: { git.url("remotes/\($0).git") },
            extraManifest: ["forge": "github", "forgeAPI": forge.apiBase.absoluteString], in: folder)
        root.environment["DISPATCHER_USE_PRS"] = "1"
        root.environment["DISPATCHER_PR_POLL_INTERVAL"] = "1"
        try root.dropFeedback("001-pr.json", repository: "app", id: "pr-1", text: "hello through a pull request")

        let killed = try root.run(["run-once"], crashAt: "pullRequestWaiting")
        try #require(killed.killed, "the run must die while the pull request waits: \(killed.transcript)")
        let recovery = try root.run(["run-once"])
        #expect(!recovery.signaled && recovery.status == 0, "\(recovery.transcript)")

        try root.expectConsistent(dropped: ["001-pr.json"], context: "pullRequestWaiting")
        #expect(root.feedbackFiles(in: "applied") == ["001-pr.json"])
        #expect(try root.remoteCommits("app", feedbackID: "pr-1") == 1)
        let report = try await forge.report()
        #expect(report.pulls.count == 1, "one pull request, reused after the kill: \(report.pulls)")
        #expect(report.pulls.first?.merged == true)
        #expect(report.violations.isEmpty, "\(report.violations)")
    }

    /// The real `swift build`, killed as it starts and in the middle of compiling: the killed dispatcher's build
    /// processes (their own session, so they outlive it) are ended by the next run, which builds to completion.
    @Test func aKilledSwiftBuildLeavesNoProcessThatBlocksTheNextRun() throws {
        let root = try ReliabilityRoot(
            prefix: "crash-swift", repositories: ["svc"], build: nil, test: nil,
            files: { _ in SwiftPackageFixture.files(name: "Svc", value: 42) })
        defer { root.scratch.remove() }
        let atStart = try root.run(["run-once"], crashAt: "stepRunning@1")
        try #require(atStart.killed, "\(atStart.transcript)")
        #expect(!Self.processes(under: root.url).isEmpty, "the killed run's swift build outlives it (its own session)")
        let timed = try root.run(["run-once"], killAfter: .seconds(6))
        print("swift build killed after 6 s: \(timed.killed ? "killed" : "had finished")")
        let recovery = try root.run(["run-once"])
        #expect(!recovery.signaled && recovery.status == 0, "\(recovery.transcript)")
        #expect(Self.processes(under: root.url).isEmpty, "no process is left working in the root")
        try root.expectConsistent(dropped: [], context: "swift build")
    }

    /// Processes (other than this one) whose working directory is inside `folder`.
    static func processes(under folder: URL) -> [String] {
        let path = folder.resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard Int32(entry) != nil, Int32(entry) != getpid(),
                let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"),
                cwd == path || cwd.hasPrefix(path + "/")
            else { return nil }
            let command =
                (try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8))?
                .replacingOccurrences(of: "\u{0}", with: " ") ?? "?"
            return "\(entry): \(command)"
        }
    }
}
