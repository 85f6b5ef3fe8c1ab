import DeployTestSupport
import Foundation
import Testing

/// Feedback files through the built binary: verified, committed with the id trailer, pushed; rejected with reasons;
/// picked up by a running loop.
@Suite(.serialized) struct FeedbackEndToEndTests {
    static let fixPatch = """
        diff --git a/Sources/Svc/Answer.swift b/Sources/Svc/Answer.swift
        --- a/Sources/Svc/Answer.swift
        +++ b/Sources/Svc/Answer.swift
        @@ -1,3 +1,3 @@
         public func answer() -> Int {
        -    return 41
        +    return 6 * 7
         }

        """

    func feedback(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    @Test func aVerifiedPatchTurnsARedRepositoryGreenWithOneCommitOnTheRemote() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-feedback")
        defer { scratch.remove() }
        let fixture = GitFixture(scratch: scratch)
        let root = scratch.appending("root")
        let remote = try fixture.makeRemote("svc", files: SwiftPackageFixture.files(name: "Svc", value: 41))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("feedback"), withIntermediateDirectories: true)
        try fixture.clone(remote, as: "root/repos/svc")
        let environment = ["DISPATCHER_USE_PRS": "0", "GIT_USER_NAME": "Deploy Bot", "GIT_USER_EMAIL": "bot@example.com"]

        let red = try Deployctl.run(["run-once", "--root", root.path], environment: environment)
        #expect(red.status == 1, "the fixture starts red: \(red.stderr)")

        try feedback(["repo": "svc", "patch": Self.fixPatch, "description": "Fix the answer", "id": "fix-1", "version": 1])
            .write(to: root.appendingPathComponent("feedback/001-fix.json"))
        try feedback(["repo": "../etc", "patch": Self.fixPatch, "description": "hostile"])
            .write(to: root.appendingPathComponent("feedback/002-hostile.json"))
        let before = try Shell.check(["git", "rev-parse", "main"], in: remote)

        let cycle = try Deployctl.run(["run-once", "--root", root.path], environment: environment)
        #expect(cycle.stderr.contains("001-fix.json: applied"), "\(cycle.stderr)")
        #expect(cycle.stderr.contains("002-hostile.json: rejected"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("feedback/applied/001-fix.json").path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("feedback/rejected/002-hostile.json").path))

        let after = try Shell.check(["git", "rev-parse", "main"], in: remote)
        #expect(try Shell.check(["git", "rev-list", "--count", "\(before)..\(after)"], in: remote) == "1")
        let message = try Shell.check(["git", "log", "-1", "--format=%B%n%an <%ae>", after], in: remote)
        #expect(message.contains("Fix the answer"))
        #expect(message.contains("Feedback-Id: fix-1"))
        #expect(message.contains("Deploy Bot <bot@example.com>"))

        let green = try Deployctl.run(["run-once", "--root", root.path], environment: environment)
        #expect(green.status == 0, "the published fix builds green: \(green.stderr)")
    }

    @Test func dryRunChangesNothingAndNamesTheReason() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-dry")
        defer { scratch.remove() }
        let fixture = GitFixture(scratch: scratch)
        let root = scratch.appending("root")
        let remote = try fixture.makeRemote("svc", files: ["README.md": "hello\n"])
        try fixture.clone(remote, as: "root/repos/svc")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("feedback"), withIntermediateDirectories: true)
        let patch = "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-hello\n+hello, world\n"
        try feedback(["repo": "svc", "patch": patch, "description": "greet"])
            .write(to: root.appendingPathComponent("feedback/a.json"))
        try feedback(["repo": "svc", "patch": "not a diff", "description": "junk"])
            .write(to: root.appendingPathComponent("feedback/b.json"))
        let result = try Deployctl.run(["apply-feedback", "--dry-run", "--root", root.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("a.json: checked"))
        #expect(result.stdout.contains("b.json: wouldReject"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("feedback/a.json").path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("feedback/b.json").path))
        #expect(try Shell.check(["git", "status", "--porcelain"], in: root.appendingPathComponent("repos/svc")).isEmpty)
    }

    @Test func aRunningLoopPicksUpADroppedFeedbackFileAtOnce() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-loop")
        defer { scratch.remove() }
        let fixture = GitFixture(scratch: scratch)
        let root = scratch.appending("root")
        let remote = try fixture.makeRemote("notes", files: ["README.md": "hello\n"])
        try fixture.clone(remote, as: "root/repos/notes")
        let manifest = #"{"repositories": [{"name": "notes", "url": "\#(remote.path)", "build": ["true"], "test": ["true"]}]}"#
        try Data(manifest.utf8).write(to: root.appendingPathComponent("deployctl.json"))
        var environment = ProcessInfo.processInfo.environment
        environment["DISPATCHER_USE_PRS"] = "0"
        environment["DISPATCHER_VERIFY_FEEDBACK"] = "0"
        for (key, value) in Shell.isolatedGitEnvironment { environment[key] = value }
        let loop = try ChildProcess(
            [Deployctl.executable.path, "loop", "--root", root.path, "--interval", "3600"], environment: environment)
        defer {
            loop.send(SIGTERM)
            loop.wait()
        }
        // Wait for the first cycle to finish (the loop sleeps for an hour after it).
        func lastCycleResult() throws -> String? {
            let output = try Deployctl.run(["status", "--root", root.path, "--json"]).stdout
            let json = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
            return (json?["loop"] as? [String: Any])?["lastCycleResult"] as? String
        }
        let start = Date()
        while try lastCycleResult() == nil, Date().timeIntervalSince(start) < 30 {
            Thread.sleep(forTimeInterval: 0.1)
        }
        print("first cycle recorded after \(Date().timeIntervalSince(start)) s")
        let patch = "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-hello\n+hello, loop\n"
        try feedback(["repo": "notes", "patch": patch, "description": "From the loop"])
            .write(to: root.appendingPathComponent("feedback/dropped.json"))
        let applied = root.appendingPathComponent("feedback/applied/dropped.json")
        let dropped = Date()
        while !FileManager.default.fileExists(atPath: applied.path), Date().timeIntervalSince(dropped) < 30 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        print("dropped feedback applied after \(Date().timeIntervalSince(dropped)) s")
        #expect(FileManager.default.fileExists(atPath: applied.path), "the loop must not wait for its hour-long interval")
        #expect(try Shell.check(["git", "show", "main:README.md"], in: remote) == "hello, loop")
    }
}
