import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Testing

/// Newest wins: a build of a commit that is no longer the branch tip is cancelled, not finished.
@Suite struct NewestWinsTests {
    @Test func aBuildIsSupersededWhenANewerCommitLandsWhileItRuns() async throws {
        try await ScratchDirectory.with(prefix: "newest") { scratch in
            let fixture = GitFixture(scratch: scratch)
            let rootURL = scratch.appending("root")
            let marker = "sleep 47\(Int.random(in: 100...999))"
            let remote = try fixture.makeRemote("svc", files: ["README.md": "one\n"])
            try fixture.clone(remote, as: "root/repos/svc")
            let manifest = #"{"repositories": [{"name": "svc", "url": "\#(remote.path)", "build": ["sh", "-c", "\#(marker)"]}]}"#
            try Data(manifest.utf8).write(to: rootURL.appendingPathComponent("deployctl.json"))
            let configuration = try ConfigurationLoader(environment: ["DISPATCHER_USE_PRS": "0"]).load(root: rootURL)
            let root = DeployRoot(url: rootURL)
            let store = try SQLiteStateStore(url: root.stateDatabase)
            let dispatcher = Dispatcher(
                root: try root.open(command: "test"), configuration: configuration, store: store,
                logger: Logger(label: "test"))

            let cycle = Task {
                try await dispatcher.runCycle(
                    CycleOptions(trigger: .interval, processFeedback: false, supersedeCheckInterval: .milliseconds(200)))
            }
            // Once the build runs, a newer commit lands on the remote.
            for _ in 0..<200 where try Shell.run(["pgrep", "-f", marker]).stdout.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
            }
            let newer = try fixture.pushCommit(to: remote, files: ["README.md": "two\n"])
            let report = try await cycle.value

            let record = try #require(report.record.repositories.first)
            #expect(record.outcome == .superseded)
            #expect(record.summary.contains(String(newer.prefix(7))))
            #expect(report.hasSupersededBuilds)
            #expect(report.exitStatus == 0, "a superseded build is neither a failure nor an infrastructure problem")
            #expect(try Shell.run(["pgrep", "-f", marker]).stdout.isEmpty, "the stale build's processes are gone")
            #expect(try store.repositoryStates()["svc"]?.lastBuild == nil, "a superseded build is no result")
        }
    }
}
