import DeployTestSupport
import Foundation
import Testing

/// `deployctl loop` through the built binary: it sleeps its interval on an unchanged root and wakes only for a
/// wake-up that happened; SIGHUP is the terminal's hangup under a terminal and "cycle now" without one.
@Suite(.serialized) struct LoopEndToEndTests {
    /// A root with one repository whose build and test pass at once, feedback pushed straight to its remote.
    struct LoopRoot {
        let scratch: ScratchDirectory
        let remote: URL
        var url: URL { scratch.appending("root") }
        let environment = ["DISPATCHER_USE_PRS": "0", "DISPATCHER_VERIFY_FEEDBACK": "0"]

        init() throws {
            scratch = try ScratchDirectory(prefix: "e2e-loop")
            let fixture = GitFixture(scratch: scratch)
            remote = try fixture.makeRemote("notes", files: ["README.md": "hello\n"])
            try fixture.clone(remote, as: "root/repos/notes")
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent("feedback"), withIntermediateDirectories: true)
            let manifest = #"""
                {"repositories": [{"name": "notes", "url": "\#(remote.path)", "build": ["true"], "test": ["true"]}]}
                """#
            try Data(manifest.utf8).write(to: url.appendingPathComponent("deployctl.json"))
        }

        func status() throws -> [String: Any] {
            let result = try Deployctl.run(["status", "--root", url.path, "--json", "--history", "100000"])
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        }

        /// The triggers of the loop's cycles (not its feedback batches), oldest first.
        func cycleTriggers() throws -> [String] {
            let history = try status()["history"] as? [[String: Any]] ?? []
            return history.reversed().compactMap { ($0["record"] as? [String: Any])?["trigger"] as? String }
                .filter { $0 != "feedback" }
        }

        /// The loop's pid, read from the lock holder (`pid N (deployctl loop) since …`).
        func loopPID() throws -> Int32? {
            let holder = (try status()["loop"] as? [String: Any])?["holder"] as? String
            return holder?.split(separator: " ").dropFirst().first.flatMap { Int32($0) }
        }

        /// Waits up to `seconds` for `condition`.
        func wait(upTo seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
            try Polling.wait(upTo: seconds, until: condition)
        }

        func dropFeedback(_ file: String) throws {
            let patch = """
                diff --git a/README.md b/README.md
                --- a/README.md
                +++ b/README.md
                @@ -1 +1 @@
                -hello
                +hello, loop

                """
            let object: [String: Any] = ["repo": "notes", "patch": patch, "description": "From the loop"]
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                .write(to: url.appendingPathComponent("feedback/\(file)"))
        }
    }

    @Test func anUnchangedRootSleepsItsIntervalAndADroppedFeedbackFileStillWakesIt() throws {
        let root = try LoopRoot()
        defer { root.scratch.remove() }
        let loop = try Deployctl.startWithoutTerminal(
            ["loop", "--root", root.url.path],
            environment: root.environment.merging(["DISPATCHER_INTERVAL": "5"]) { $1 })
        defer { loop.stop() }

        Thread.sleep(forTimeInterval: 10)
        let triggers = try root.cycleTriggers()
        #expect(!triggers.isEmpty, "the loop ran its first cycle")
        #expect(triggers.count <= 3, "10 s at interval 5: at most 3 cycles, not \(triggers.count)")
        #expect(!triggers.contains("wake"), "nothing woke it")

        // Drop a file early in a sleep, so only a wake-up (not the interval) can start the next cycle soon.
        let earlyInASleep = try root.wait(upTo: 10) {
            let loop = try root.status()["loop"] as? [String: Any]
            let next = (loop?["nextCycleAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
            return next.map { $0.timeIntervalSinceNow > 3.5 } ?? false
        }
        try #require(earlyInASleep, "the loop sleeps between cycles")
        let before = try root.cycleTriggers().count
        try root.dropFeedback("dropped.json")
        let applied = root.url.appendingPathComponent("feedback/applied/dropped.json")
        #expect(root.wait(upTo: 30) { FileManager.default.fileExists(atPath: applied.path) }, "the file is applied")
        #expect(try root.wait(upTo: 30) { try root.cycleTriggers().count > before })
        #expect(try root.cycleTriggers().dropFirst(before).first == "wake", "the applied feedback woke the next cycle")
        #expect(loop.isRunning)
    }

    @Test func closingTheTerminalThatRunsTheLoopEndsItAsSIGTERMDoes() throws {
        let root = try LoopRoot()
        defer { root.scratch.remove() }
        let hangUp = try Deployctl.runUnderTerminalThenHangUp(
            ["loop", "--root", root.url.path, "--interval", "3600"], environment: root.environment,
            ready: #"cycle \d+: "#)
        #expect(hangUp.exitStatus == 0, "the loop exits 0 on its terminal's hangup: \(hangUp.output)")
        #expect(hangUp.output.contains("SIGHUP stops the loop"), "\(hangUp.output)")
        let loop = try root.status()["loop"] as? [String: Any]
        #expect(loop?["running"] as? Bool == false)
        #expect(try root.cycleTriggers() == ["start"], "the hangup started no cycle")
    }

    @Test func underNohupTheTerminalsHangupStartsACycleAndTheLoopRunsOn() throws {
        let root = try LoopRoot()
        defer { root.scratch.remove() }
        let hangUp = try Deployctl.runUnderTerminalThenHangUp(
            ["loop", "--root", root.url.path, "--interval", "3600"], environment: root.environment,
            ready: #"cycle \d+: "#, exitWithin: 5, ignoringHangup: true)
        #expect(hangUp.exitStatus == nil, "it outlives its terminal: \(hangUp.output)")
        #expect(try root.cycleTriggers() == ["start", "wake"], "the hangup started the next cycle")
    }

    @Test func withoutATerminalSIGHUPStartsTheNextCycleAndTheLoopRunsOn() throws {
        let root = try LoopRoot()
        defer { root.scratch.remove() }
        let loop = try Deployctl.startWithoutTerminal(
            ["loop", "--root", root.url.path, "--interval", "3600"], environment: root.environment)
        defer { loop.stop() }
        try #require(try root.wait(upTo: 60) { try root.cycleTriggers().count == 1 }, "the first cycle ran")
        #expect(try root.loopPID() == loop.pid)

        for cycles in 2...3 {
            loop.send(SIGHUP)
            let started = try root.wait(upTo: 30) { try root.cycleTriggers().count == cycles }
            #expect(started, "SIGHUP started cycle \(cycles)")
            #expect(loop.isRunning, "and the loop runs on")
        }
        #expect(try root.cycleTriggers() == ["start", "wake", "wake"])

        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }
}
