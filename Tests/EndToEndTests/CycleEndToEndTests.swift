import DeployTestSupport
import Foundation
import Testing

/// The dispatcher cycle through the built binary, on real repositories with real remotes and the real toolchain.
@Suite(.serialized) struct CycleEndToEndTests {
    struct Root {
        let scratch: ScratchDirectory
        let fixture: GitFixture
        var url: URL { scratch.appending("root") }

        init() throws {
            scratch = try ScratchDirectory(prefix: "e2e")
            fixture = GitFixture(scratch: scratch)
            try FileManager.default.createDirectory(at: url.appendingPathComponent("repos"), withIntermediateDirectories: true)
        }

        /// A remote holding a fixture package, cloned into `repos/NAME`.
        @discardableResult
        func addRepository(_ name: String, files: [String: String]) throws -> URL {
            let remote = try fixture.makeRemote(name, files: files)
            try Shell.check(["git", "clone", "--quiet", remote.path, url.appendingPathComponent("repos/\(name)").path])
            return remote
        }

        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ShellResult {
            try Deployctl.run(arguments + ["--root", url.path], environment: environment)
        }

        func status() throws -> [String: Any] {
            let result = try run(["status", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        }

        func cycleJSON(_ result: ShellResult) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        }
    }

    static func outcomes(_ cycle: [String: Any]) -> [String: String] {
        let record = cycle["record"] as! [String: Any]
        var result: [String: String] = [:]
        for repository in record["repositories"] as! [[String: Any]] {
            result[repository["repository"] as! String] = repository["outcome"] as? String
        }
        return result
    }

    @Test func firstRunBuildsThenUnchangedThenAPushIsPickedUpThenABreakIsReported() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let remote = try root.addRepository("svc", files: SwiftPackageFixture.files(name: "Svc"))

        let first = try root.run(["run-once", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Self.outcomes(try root.cycleJSON(first)) == ["svc": "built"])

        let second = try root.run(["run-once", "--json"])
        #expect(second.status == 0)
        #expect(Self.outcomes(try root.cycleJSON(second)) == ["svc": "unchanged"], "an unchanged tree must not rebuild")

        let pushed = try root.fixture.pushCommit(
            to: remote, files: ["Sources/Svc/Answer.swift": "public func answer() -> Int {\n    return 40 + 2\n}\n"])
        let third = try root.run(["run-once", "--json"])
        #expect(third.status == 0)
        #expect(Self.outcomes(try root.cycleJSON(third)) == ["svc": "built"])
        let head = try Shell.check(["git", "rev-parse", "HEAD"], in: root.url.appendingPathComponent("repos/svc"))
        #expect(head == pushed, "the checkout must be fast-forwarded to the pushed commit")

        try root.fixture.pushCommit(to: remote, files: SwiftPackageFixture.files(name: "Svc", brokenSource: true))
        let broken = try root.run(["run-once"])
        #expect(broken.status == 1, "\(broken.stderr)")
        let status = try root.status()
        let repo = try #require((status["repos"] as? [[String: Any]])?.first)
        let lastBuild = try #require(repo["lastBuild"] as? [String: Any])
        #expect(lastBuild["result"] as? String == "failed")
        #expect((lastBuild["errors"] as? Int ?? 0) >= 1)
        #expect(FileManager.default.fileExists(atPath: lastBuild["log"] as? String ?? "/nonexistent"))
    }

    @Test func aDeadRemoteIsInfrastructureWhileTheOtherRepositoriesStillBuild() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        try root.addRepository("alive", files: SwiftPackageFixture.files(name: "Alive"))
        let deadRemote = try root.addRepository("dead", files: ["README.md": "dead\n"])
        try FileManager.default.removeItem(at: deadRemote)

        let result = try root.run(["run-once", "--json"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(Self.outcomes(try root.cycleJSON(result)) == ["alive": "built", "dead": "updateFailed"])
        #expect(result.stderr.contains("dead"))
    }

    @Test func aDivergedCheckoutIsReportedAndLeftAlone() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let remote = try root.addRepository("svc", files: ["README.md": "one\n"])
        let checkout = root.url.appendingPathComponent("repos/svc")
        let local = try root.fixture.commit(["LOCAL.md": "mine\n"], in: checkout)
        try root.fixture.pushCommit(to: remote, files: ["REMOTE.md": "theirs\n"])

        let result = try root.run(["run-once"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("diverged: 1 ahead, 1 behind"))
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: checkout) == local, "a diverged branch is never moved")
    }

    @Test func aSecondDispatcherOnTheSameRootFailsAtOnceNamingTheHolder() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let loop = try ChildProcess(
            [Deployctl.executable.path, "loop", "--root", root.url.path, "--interval", "3600"],
            environment: ProcessInfo.processInfo.environment)
        defer {
            loop.send(SIGTERM)
            loop.wait()
        }
        // Wait until the loop holds the lock (bounded).
        let lockFile = root.url.appendingPathComponent("deploy/dispatcher.lock")
        for _ in 0..<100 where (try? String(contentsOf: lockFile, encoding: .utf8))?.contains("loop") != true {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let second = try root.run(["run-once"])
        #expect(second.status == 3)
        #expect(second.stderr.contains("another dispatcher holds the lock"))
        #expect(second.stderr.contains("deployctl loop"))
        let status = try root.run(["status"])
        #expect(status.status == 0, "status works while the loop runs")
        #expect(status.stdout.contains("loop: running"))
    }
}

extension CycleEndToEndTests {
    @Test func sigtermDuringABuildKillsTheWholeProcessGroupAndRecordsTheCycle() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let marker = "sleep 31\(Int.random(in: 100...999))"
        let remote = try root.addRepository("slow", files: ["README.md": "slow\n"])
        let manifest = """
            {"repositories": [{"name": "slow", "url": "\(remote.path)",
              "build": ["sh", "-c", "(\(marker)) & \(marker); echo never"]}]}
            """
        try Data(manifest.utf8).write(to: root.url.appendingPathComponent("deployctl.json"))

        let loop = try ChildProcess(
            [Deployctl.executable.path, "loop", "--root", root.url.path, "--interval", "3600"],
            environment: ProcessInfo.processInfo.environment)
        func markerProcesses() throws -> Int {
            let result = try Shell.run(["pgrep", "-f", marker])
            return result.stdout.split(separator: "\n").count
        }
        for _ in 0..<200 where try markerProcesses() < 3 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(try markerProcesses() >= 3, "the shell, the build and its grandchild are running")

        loop.send(SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while loop.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!loop.isRunning, "the loop exits within a bounded time after SIGTERM")
        loop.send(SIGKILL)
        #expect(loop.wait() == ChildProcess.Termination(status: 0, signaled: false))
        #expect(try markerProcesses() == 0, "no child or grandchild of the build survives")

        let status = try root.run(["status", "--json", "--history", "1"])
        #expect(status.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        let loopState = json["loop"] as! [String: Any]
        #expect(loopState["running"] as? Bool == false)
        #expect(loopState["lastCycleResult"] as? String == "cancelled")
    }
}

extension CycleEndToEndTests {
    @Test func aRepositoryTheManifestDeclaresIsClonedOnTheFirstRunAndBuilt() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let remote = try root.fixture.makeRemote("tool", files: ["build.sh": "echo building the tool\n"])
        let manifest = """
            {"repositories": [{"name": "tool", "url": "\(remote.path)", "build": ["sh", "build.sh"], "test": ["true"]}]}
            """
        try Data(manifest.utf8).write(to: root.url.appendingPathComponent("deployctl.json"))

        let result = try root.run(["run-once", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.outcomes(try root.cycleJSON(result)) == ["tool": "built"])
        #expect(result.stderr.contains("tool: cloned from \(remote.path)"))
        let checkout = root.url.appendingPathComponent("repos/tool")
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: checkout) == Shell.check(["git", "rev-parse", "main"], in: remote))
        let log = try String(contentsOf: root.url.appendingPathComponent("deploy/logs/build.log"), encoding: .utf8)
        #expect(log.contains("building the tool"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.url.appendingPathComponent("repos").path)
        #expect(leftovers == ["tool"], "no staging folder is left behind")
    }
}
