import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Feedback without `patch`, as the seed accepted it: a restart request for its repository.
@Suite("Restart requests")
struct RestartRequestTests {
    /// A root whose `restart-app.sh` (a bash script without a run bit) appends a line to `restarts.txt`.
    static func makeRoot(repositories: [String] = ["app"]) throws -> (DeployRoot, URL) {
        let root = try DeployRoot(repositories: repositories)
        let marker = root.url.appendingPathComponent("restarts.txt")
        try Data("echo restart >> '\(marker.path)'\n".utf8).write(to: root.commands.appendingPathComponent("restart-app.sh"))
        return (root, marker)
    }

    @Test func aFileWithoutPatchRunsTheRestartAndIsRecordedAsARestartRequest() async throws {
        let (root, marker) = try Self.makeRoot()
        let tip = try root.git(["rev-parse", "HEAD"])
        try root.drop("restart.json", ["repo": "app", "description": "restart the API"])
        try root.drop("again.json", ["description": "restart it again"])

        let outcomes = try await root.processor(restart: true).run()

        #expect(outcomes.count == 2)
        for outcome in outcomes {
            guard case .applied(let record, _) = outcome else {
                Issue.record("not applied: \(outcome)")
                continue
            }
            #expect(record.kind == .restartRequest)
            #expect(record.repository == "app")
            #expect(record.commit == tip)
            #expect(record.paths.isEmpty)
            #expect(record.publication.kind == .noPublisher)
            #expect(record.restart?.succeeded == true)
        }
        #expect(try String(contentsOf: marker, encoding: .utf8) == "restart\nrestart\n", "asking twice restarts twice")
        #expect(try root.git(["rev-parse", "HEAD"]) == tip, "nothing is committed")
        #expect(try root.names(in: "applied") == ["again.json", "again.result.json", "restart.json", "restart.result.json"])
        let record = try String(
            contentsOf: root.feedback.appendingPathComponent("applied/restart.result.json"), encoding: .utf8)
        #expect(record.contains(#""kind" : "restart""#) || record.contains(#""kind":"restart""#), "\(record)")
        #expect(FeedbackInbox(directory: root.feedback).ledger().entries.isEmpty, "a restart applies no id")
    }

    @Test func repoMayBeLeftOutOnlyWhereTheRootHasOneRepository() async throws {
        let (root, marker) = try Self.makeRoot(repositories: ["app", "web"])
        try root.drop("restart.json", ["description": "which one?"])
        guard case .rejected(let record, _) = try #require(try await root.processor(restart: true).run().first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.code == .ambiguousRepository)
        #expect(record.field == "repo")
        #expect(record.message.contains("app, web"))
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func aRestartRequestWithoutARestartCommandIsRejectedSayingSo() async throws {
        let root = try DeployRoot()
        try root.drop("restart.json", ["repo": "app"])
        guard case .rejected(let record, _) = try #require(try await root.processor(restart: true).run().first) else {
            Issue.record("not rejected")
            return
        }
        #expect(record.code == .noRestartCommand)
        #expect(record.message.contains("commands/restart-app.sh"))
    }

    @Test func aDryRunChecksARestartRequestAndRunsNothing() async throws {
        let (root, marker) = try Self.makeRoot()
        try root.drop("restart.json", ["repo": "app"])
        var options = FeedbackProcessor.Options(verify: false)
        options.dryRun = true
        guard case .checked(let check) = try #require(try await root.processor(options, restart: true).run().first)
        else {
            Issue.record("not checked")
            return
        }
        #expect(check.error == nil)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(FileManager.default.fileExists(atPath: root.feedback.appendingPathComponent("restart.json").path))
    }

    @Test func aRestartInterruptedAfterItWasJournaledIsNeverRunAgain() async throws {
        let (root, marker) = try Self.makeRoot()
        try root.drop("restart.json", ["repo": "app"])
        // Killed right after the journal said the restart started (before it ran).
        guard case .deferred = try #require(try await root.processor(restart: true, haltAfter: .claimed).run().first)
        else {
            Issue.record("not halted")
            return
        }
        guard case .applied(let record, _) = try #require(try await root.processor(restart: true).run().first) else {
            Issue.record("not finished")
            return
        }
        #expect(record.restart?.succeeded == false)
        #expect(record.restart?.failure?.hasPrefix("interrupted") == true)
        #expect(!FileManager.default.fileExists(atPath: marker.path), "at most once")
    }
}
