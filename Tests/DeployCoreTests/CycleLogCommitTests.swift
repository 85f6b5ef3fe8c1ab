import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Testing

/// `DISPATCHER_COMMIT_LOGS=1`: a cycle log whose results changed is committed into the deploy root's own repository
/// and pushed; nothing else in the root is committed, and unchanged results add no history.
@Suite struct CycleLogCommitTests {
    /// A deploy root that is a clone of `root.git` (with `deploy/` and `repos/` ignored, as people set it up) and
    /// manages `repos/app`, built with `true` and tested with the manifest's `test` command.
    private struct Setup {
        let fixture: GitFixture
        let rootRemote: URL
        let root: URL

        init(scratch: ScratchDirectory, test: String) throws {
            fixture = GitFixture(scratch: scratch)
            let appRemote = try fixture.makeRemote("app")
            rootRemote = try fixture.makeRemote(
                "root", files: [".gitignore": "deploy/\nrepos/\n", "deployctl.json": Self.manifest(appRemote, test)])
            root = try fixture.clone(rootRemote, as: "root")
            try fixture.clone(appRemote, as: "root/repos/app")
        }

        static func manifest(_ remote: URL, _ test: String) -> String {
            #"{"repositories": [{"name": "app", "url": "\#(remote.path)", "build": ["true"], "test": ["\#(test)"]}]}"#
        }

        func cycle(force: Bool = false) async throws -> CycleReport {
            let configuration = try ConfigurationLoader(
                environment: ["DISPATCHER_COMMIT_LOGS": "1", "DISPATCHER_USE_PRS": "0"]
            ).load(root: root)
            let dispatcher = try Dispatcher.open(
                root: DeployRoot(url: root), configuration: configuration, logger: Logger(label: "test"))
            return try await dispatcher.runCycle(CycleOptions(force: force, processFeedback: false))
        }

        /// Paths each commit on the remote's `main` touched, newest first.
        func remoteHistory() throws -> [String] {
            try Shell.check(["git", "log", "--format=%s", "--name-only", "main"], in: rootRemote)
                .split(separator: "\n").map(String.init)
        }

        func remoteCommitCount() throws -> Int {
            Int(try Shell.check(["git", "rev-list", "--count", "main"], in: rootRemote)) ?? -1
        }
    }

    @Test func aChangedResultCommitsOnlyItsLogAndPushesIt() async throws {
        try await ScratchDirectory.with(prefix: "log-commit") { scratch in
            let setup = try Setup(scratch: scratch, test: "true")

            let first = try await setup.cycle()
            #expect(first.exitStatus == 0)
            let log = try #require(first.record.log)
            let relative = String(log.dropFirst(setup.root.standardizedFileURL.path.count + 1))
            #expect(relative.hasPrefix("deploy/logs/"))
            #expect(try setup.remoteCommitCount() == 2, "the first build is a changed result")
            let history = try setup.remoteHistory()
            #expect(history.first?.hasPrefix("deployctl: cycle passed") == true)
            #expect(history.dropFirst().first { !$0.isEmpty } == relative, "only the log is in the commit")

            // Unchanged: no log, no commit. Forced but still green: a log, no commit.
            _ = try await setup.cycle()
            _ = try await setup.cycle(force: true)
            #expect(try setup.remoteCommitCount() == 2)

            // Red now (the manifest, modified in the root but not committed, changes the test command).
            try Data(Setup.manifest(scratch.appending("app.git"), "false").utf8)
                .write(to: setup.root.appendingPathComponent("deployctl.json"))
            let red = try await setup.cycle()
            #expect(red.exitStatus == 1)
            #expect(try setup.remoteCommitCount() == 3)
            #expect(try setup.remoteHistory().first?.hasPrefix("deployctl: cycle failed — app: failed") == true)
            let status = try Shell.check(["git", "status", "--porcelain"], in: setup.root)
            #expect(status == " M deployctl.json", "the root's own change stays uncommitted")
        }
    }

    @Test func aRootOutsideGitIsAWarningNotAFailure() async throws {
        try await ScratchDirectory.with(prefix: "log-commit-plain") { scratch in
            let fixture = GitFixture(scratch: scratch)
            let remote = try fixture.makeRemote("app")
            let root = scratch.appending("root")
            try fixture.clone(remote, as: "root/repos/app")
            try Data(Setup.manifest(remote, "true").utf8).write(to: root.appendingPathComponent("deployctl.json"))
            let configuration = try ConfigurationLoader(environment: ["DISPATCHER_COMMIT_LOGS": "1"]).load(root: root)
            let dispatcher = try Dispatcher.open(
                root: DeployRoot(url: root), configuration: configuration, logger: Logger(label: "test"))

            let report = try await dispatcher.runCycle(CycleOptions(processFeedback: false))

            #expect(report.exitStatus == 0)
            #expect(report.record.log != nil)
        }
    }
}
