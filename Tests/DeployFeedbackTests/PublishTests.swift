import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

@Suite("Publishing and restarting")
struct PublishTests {
    @Test func aRefusedPushIsAppliedAgainOnTheNewTipInTheSameRun() async throws {
        let root = try ApplyTests.makeRoot()
        try root.drop(
            "fb.json",
            ["version": 1, "id": "fb-race", "repo": "app", "patch": try ApplyTests.diff(root, ["README.md": "hi\n"])])
        // Someone pushes before us; the checkout has not fetched it yet.
        let theirs = try root.fixture.pushCommit(to: root.remotes["app"]!, files: ["src/a.txt": "theirs\n"])
        let marker = root.url.appendingPathComponent("restarts.txt")
        try Data("#!/bin/sh\necho restart >> '\(marker.path)'\n".utf8)
            .write(to: root.commands.appendingPathComponent("restart-app.sh"))

        guard
            case .applied(let record, _) = try #require(
                try await root.processor(publish: true, restart: true).run().first)
        else {
            Issue.record("not applied after catching up")
            return
        }
        #expect(try String(contentsOf: marker, encoding: .utf8) == "restart\n", "one restart, after the publish")
        #expect(record.parent == theirs)
        #expect(try Shell.check(["git", "--git-dir", root.remotes["app"]!.path, "rev-parse", "main"]) == record.commit)
        #expect(try root.git(["rev-parse", "HEAD"]) == record.commit, "the checkout followed")
        #expect(try root.git(["status", "--porcelain"]) == "")
        #expect(try root.trailers() == ["fb-race"])
        // The local staging branch is gone once published.
        #expect(try root.git(["branch", "--list", DirectPushPublisher.stagingBranch]) == "")
    }

    @Test func aHangingRestartIsStoppedByItsTimeoutAndRecorded() async throws {
        let root = try ApplyTests.makeRoot()
        try Data("#!/bin/sh\necho starting\nsleep 30\n".utf8).write(
            to: root.commands.appendingPathComponent("restart-services.sh"))
        try root.drop("fb.json", ["repo": "app", "patch": try ApplyTests.diff(root, ["README.md": "hi\n"])])
        var options = FeedbackProcessor.Options(verify: false)
        options.restartTimeout = .milliseconds(500)
        guard case .applied(let record, _) = try #require(try await root.processor(options, restart: true).run().first)
        else {
            Issue.record("not applied")
            return
        }
        let restart = try #require(record.restart)
        #expect(restart.timedOut)
        #expect(restart.exitStatus == nil)
        #expect(restart.command == "commands/restart-services.sh")
        let log = try String(contentsOf: URL(fileURLWithPath: try #require(restart.logFile)), encoding: .utf8)
        #expect(log.contains("starting"))
    }

    @Test func namedFilesAreTakenAloneAndOutsideFilesAreCopiedIn() async throws {
        let root = try ApplyTests.makeRoot()
        try root.drop("a.json", ["repo": "app", "patch": try ApplyTests.diff(root, ["README.md": "a\n"])])
        try root.drop("b.json", ["repo": "app", "patch": try ApplyTests.diff(root, ["src/a.txt": "b\n"])])
        let outside = root.folder.url.appendingPathComponent("agent-output.json")
        try JSONSerialization.data(withJSONObject: [
            "repo": "app", "patch": try ApplyTests.diff(root, ["notes.txt": "c\n"]),
        ])
        .write(to: outside)

        let outcomes = try await root.processor().run(files: [root.feedback.appendingPathComponent("b.json"), outside])

        #expect(outcomes.map(\.name) == ["b.json", "agent-output.json"])
        #expect(try root.names(in: "") == ["a.json", "applied", "rejected"])
        #expect(FileManager.default.fileExists(atPath: outside.path), "the original is never moved")
        #expect(
            try root.names(in: "applied") == [
                "agent-output.json", "agent-output.result.json", "b.json", "b.result.json",
            ])
    }
}
