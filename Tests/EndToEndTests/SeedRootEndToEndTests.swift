import DeployTestSupport
import Foundation
import Testing

/// A root moved over from the seed (Codex-Deployer v2.4) runs under deployctl: seed-format feedback is applied to
/// its vendored folders and pushed, the bash restart scripts run, the seed's applied marks are left alone, and the
/// root keeps fast-forwarding although deployctl writes its state, logs and feedback folders inside it.
@Suite(.serialized) struct SeedRootEndToEndTests {
    static let rateLimitPatch = """
        diff --git a/kong.yml b/kong.yml
        --- a/kong.yml
        +++ b/kong.yml
        @@ -1,3 +1,3 @@
         services:
           - name: gateway
        -    rate_limit: 10
        +    rate_limit: 50

        """

    static let schemaPatch = """
        diff --git a/schema.json b/schema.json
        --- a/schema.json
        +++ b/schema.json
        @@ -1 +1 @@
        -{"name": "documents", "fields": ["title"]}
        +{"name": "documents", "fields": ["title", "body"]}

        """

    func run(_ seed: SeedRootFixture, _ arguments: [String], home: URL) throws -> ShellResult {
        try Deployctl.run(arguments + ["--root", seed.root.path], environment: ["HOME": home.path])
    }

    func status(_ seed: SeedRootFixture, home: URL) throws -> [String: Any] {
        let result = try run(seed, ["status", "--json"], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func twoCyclesApplyAndPushSeedFeedbackRunTheRestartsAndKeepTheRootFastForwarding() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-seed")
        defer { scratch.remove() }
        let home = scratch.appending("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let seed = try SeedRootFixture(in: scratch)
        try seed.migrate()
        let legacy = seed.root.appendingPathComponent("feedback/\(SeedRootFixture.legacyMark)")
        let legacyText = try String(contentsOf: legacy, encoding: .utf8)
        let committedLog = try String(
            contentsOf: seed.root.appendingPathComponent("deploy/logs/build.log"), encoding: .utf8)

        // Cycle 1: a seed-format patch for a vendored folder.
        try seed.drop(
            "raise-rate-limit.json",
            try SeedRootFixture.feedback(repo: "kong-codex", patch: Self.rateLimitPatch, description: "Raise the gateway's rate limit"))
        let first = try run(seed, ["run-once"], home: home)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("raise-rate-limit.json: applied"), "\(first.stderr)")
        #expect(!first.stderr.contains("restart failed"), "\(first.stderr)")

        let pushed = try Shell.check(["git", "--git-dir", seed.remote.path, "show", "main:repos/kong-codex/kong.yml"])
        #expect(pushed.contains("rate_limit: 50"), "the patch is on the remote")
        let message = try Shell.check(["git", "--git-dir", seed.remote.path, "log", "-1", "--format=%B%an <%ae>", "main"])
        #expect(message.contains("Raise the gateway's rate limit"))
        #expect(message.contains("Feedback-Id: sha256-"))
        #expect(message.contains("deployctl <deployctl@localhost>"), "empty GIT_USER_NAME=/GIT_USER_EMAIL= mean unset")
        #expect(try seed.git(["rev-parse", "HEAD"]) == (try Shell.check(["git", "--git-dir", seed.remote.path, "rev-parse", "main"])))
        #expect(
            try String(contentsOf: seed.restartLog, encoding: .utf8) == "kong-codex gateway admin\n",
            "the bash restart script without a run bit ran under bash")

        // The seed's mark stays where it was, untouched, never applied, and is listed once as legacy.
        #expect(try String(contentsOf: legacy, encoding: .utf8) == legacyText)
        #expect(!FileManager.default.fileExists(atPath: seed.root.appendingPathComponent("feedback/applied/\(SeedRootFixture.legacyMark)").path))
        let afterFirst = try status(seed, home: home)
        #expect(afterFirst["legacyAppliedFeedback"] as? [String] == [SeedRootFixture.legacyMark])
        #expect(afterFirst["pendingFeedback"] as? Int == 0)

        // deployctl's own files are in the root, and the tracked build.log is still the committed file.
        let logFile = seed.root.appendingPathComponent("deploy/logs/build.log")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: logFile.path)) == nil)
        #expect(try String(contentsOf: logFile, encoding: .utf8) == committedLog)
        #expect(FileManager.default.fileExists(atPath: seed.root.appendingPathComponent("deploy/state.sqlite").path))
        #expect(try seed.git(["status", "--porcelain", "--untracked-files=no"]) == "", "no tracked file was changed")

        // Upstream moves on, build.log included; then a second patch and a restart request in the seed's form.
        let upstream = try seed.fixture.pushCommit(
            to: seed.remote,
            files: ["docs/dispatcher_v2.md": "# Dispatcher v2.4\n\nReplaced by deployctl.\n", "deploy/logs/build.log": "[retired]\n"],
            message: "Retire the Python dispatcher")
        try seed.drop(
            "add-body-field.json",
            try SeedRootFixture.feedback(repo: "typesense-codex", patch: Self.schemaPatch, description: "Index the body"))
        try seed.drop(
            "restart-typesense.json",
            try SeedRootFixture.feedback(repo: "typesense-codex", patch: nil, description: "Restart after the schema change"))
        let second = try run(seed, ["run-once"], home: home)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("fast-forwarded"), "\(second.stderr)")
        #expect(second.stderr.contains("add-body-field.json: applied"), "\(second.stderr)")
        #expect(second.stderr.contains("restart-typesense.json: applied"), "\(second.stderr)")

        // The upstream change arrived in the root, and the second patch went on top of it.
        #expect(try String(contentsOf: seed.root.appendingPathComponent("docs/dispatcher_v2.md"), encoding: .utf8).contains("Replaced by deployctl"))
        #expect(try String(contentsOf: logFile, encoding: .utf8) == "[retired]\n")
        let remoteTip = try Shell.check(["git", "--git-dir", seed.remote.path, "rev-parse", "main"])
        #expect(try seed.git(["rev-parse", "HEAD"]) == remoteTip)
        #expect(try Shell.check(["git", "--git-dir", seed.remote.path, "rev-parse", "main~1"]) == upstream)
        #expect(
            try Shell.check(["git", "--git-dir", seed.remote.path, "show", "main:repos/typesense-codex/schema.json"])
                .contains("\"body\""))
        #expect(
            try String(contentsOf: seed.restartLog, encoding: .utf8) == "kong-codex gateway admin\nservices\nservices\n",
            "restart-services.sh ran for the patch and for the restart request")
        let result = try String(
            contentsOf: seed.root.appendingPathComponent("feedback/applied/restart-typesense.result.json"), encoding: .utf8)
        #expect(result.contains("\"kind\" : \"restart\""), "\(result)")

        // Nothing is left pending or blocked; the old mark is still there.
        let afterSecond = try status(seed, home: home)
        #expect(afterSecond["pendingFeedback"] as? Int == 0)
        for repository in afterSecond["repos"] as? [[String: Any]] ?? [] {
            let summary = (repository["lastCycle"] as? [String: Any])?["summary"] as? String ?? ""
            #expect(!summary.contains("not updated"), "\(repository)")
        }
        #expect(try String(contentsOf: legacy, encoding: .utf8) == legacyText)
        #expect(try seed.git(["status", "--porcelain", "--untracked-files=no"]) == "")
    }

    @Test func aFailedRestartIsReportedAsAFailureNotOnlyAsApplied() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-seed-restart")
        defer { scratch.remove() }
        let home = scratch.appending("home")
        let seed = try SeedRootFixture(in: scratch)
        try seed.migrate()
        try Data("echo 'gateway did not come back' >&2\nexit 4\n".utf8)
            .write(to: seed.root.appendingPathComponent("commands/restart-kong-codex.sh"))
        try seed.drop(
            "raise.json",
            try SeedRootFixture.feedback(repo: "kong-codex", patch: Self.rateLimitPatch, description: "Raise it"))

        let applied = try run(seed, ["apply-feedback"], home: home)
        #expect(applied.status == 3, "a failed restart is a failure: \(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("raise.json: applied"))
        #expect(
            applied.stdout.contains("warning: raise.json: restart failed: commands/restart-kong-codex.sh exited with status 4"),
            "\(applied.stdout)")
        #expect(applied.stderr.contains("restart failed after feedback raise.json"), "logged as a warning: \(applied.stderr)")
        let record = try String(
            contentsOf: seed.root.appendingPathComponent("feedback/applied/raise.result.json"), encoding: .utf8)
        #expect(record.contains("\"failure\" : \"exited with status 4\""), "\(record)")

        try seed.drop("restart.json", try SeedRootFixture.feedback(repo: "kong-codex", patch: nil, description: "again"))
        let cycle = try run(seed, ["run-once"], home: home)
        #expect(cycle.status == 3, "\(cycle.stderr)")
        #expect(cycle.stderr.contains("warning: feedback restart.json: restart failed: commands/restart-kong-codex.sh exited with status 4"), "\(cycle.stderr)")
    }

    @Test func aRootWithoutARemoteCommitsFeedbackAndSaysItIsNotPublished() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-seed-local")
        defer { scratch.remove() }
        let home = scratch.appending("home")
        let seed = try SeedRootFixture(in: scratch)
        try seed.migrate()
        try seed.git(["remote", "remove", "origin"])
        try seed.drop(
            "raise.json",
            try SeedRootFixture.feedback(repo: "kong-codex", patch: Self.rateLimitPatch, description: "Raise it locally"))
        let result = try run(seed, ["run-once"], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("not published (the repository has no remote 'origin')"), "\(result.stderr)")
        #expect(try seed.git(["show", "HEAD:repos/kong-codex/kong.yml"]).contains("rate_limit: 50"))
        #expect(try seed.git(["log", "-1", "--format=%s"]) == "Raise it locally")
        #expect(try seed.git(["status", "--porcelain", "--untracked-files=no"]) == "")
        let record = try String(
            contentsOf: seed.root.appendingPathComponent("feedback/applied/raise.result.json"), encoding: .utf8)
        #expect(record.contains("\"kind\" : \"local\""), "\(record)")
    }

    @Test func statusCountsFilesStuckInFlightWithTheirStageAndListsTheSeedsMarksOnce() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-seed-status")
        defer { scratch.remove() }
        let home = scratch.appending("home")
        let seed = try SeedRootFixture(in: scratch)
        let inflight = seed.root.appendingPathComponent("feedback/.inflight")
        try FileManager.default.createDirectory(at: inflight, withIntermediateDirectories: true)
        try Data(#"{"repo": "kong-codex"}"#.utf8).write(to: inflight.appendingPathComponent("stuck.json"))

        let table = try run(seed, ["status"], home: home)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("pending feedback: 1"), "\(table.stdout)")
        #expect(table.stdout.contains("in progress: stuck.json (stage claimed, waiting "), "\(table.stdout)")
        let legacyLines = table.stdout.split(separator: "\n").filter { $0.contains(SeedRootFixture.legacyMark) }
        #expect(legacyLines.count == 1, "listed once: \(table.stdout)")
        #expect(legacyLines.first?.hasPrefix("legacy feedback marks") == true)

        let json = try status(seed, home: home)
        #expect(json["pendingFeedback"] as? Int == 1)
        let files = try #require(json["inflightFeedback"] as? [[String: Any]])
        #expect(files.first?["file"] as? String == "stuck.json")
        #expect(files.first?["stage"] as? String == "claimed")
        #expect((files.first?["waitingSeconds"] as? Double ?? -1) >= 0)
        #expect(json["legacyAppliedFeedback"] as? [String] == [SeedRootFixture.legacyMark])
    }

    @Test func aSymlinkAnEarlierVersionPutOverTheTrackedBuildLogIsTurnedBackIntoTheCommittedFile() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-seed-buildlog")
        defer { scratch.remove() }
        let home = scratch.appending("home")
        let seed = try SeedRootFixture(in: scratch)
        try seed.migrate()
        let logs = seed.root.appendingPathComponent("deploy/logs")
        let committed = try String(contentsOf: logs.appendingPathComponent("build.log"), encoding: .utf8)
        try Data("an old cycle\n".utf8).write(to: logs.appendingPathComponent("build-20250101-000000.log"))
        try FileManager.default.removeItem(at: logs.appendingPathComponent("build.log"))
        try FileManager.default.createSymbolicLink(
            atPath: logs.appendingPathComponent("build.log").path, withDestinationPath: "build-20250101-000000.log")
        let upstream = try seed.fixture.pushCommit(to: seed.remote, files: ["docs/dispatcher_v2.md": "moved on\n"])

        let result = try run(seed, ["run-once"], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("restored the committed deploy/logs/build.log"), "\(result.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: logs.appendingPathComponent("build.log").path)) == nil)
        #expect(try String(contentsOf: logs.appendingPathComponent("build.log"), encoding: .utf8) == committed)
        #expect(try seed.git(["rev-parse", "HEAD"]) == upstream, "the root fast-forwarded")
        #expect(try seed.git(["status", "--porcelain", "--untracked-files=no"]) == "")
    }

    @Test func aManifestEntryWithoutURLWhoseFolderIsMissingIsReportedNotCloned() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-seed-missing")
        defer { scratch.remove() }
        let home = scratch.appending("home")
        let seed = try SeedRootFixture(in: scratch)
        try Data(#"{"repositories": [{"name": "teatro", "build": ["true"]}]}"#.utf8)
            .write(to: seed.root.appendingPathComponent("deployctl.json"))
        let result = try run(seed, ["run-once", "--repo", "teatro"], home: home)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(
            result.stderr.contains("teatro: missing: repos/teatro does not exist; deployctl.json declares it without 'url'"),
            "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: seed.root.appendingPathComponent("repos/teatro").path))
    }
}
