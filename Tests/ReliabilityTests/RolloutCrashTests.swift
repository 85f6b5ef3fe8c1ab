import DeployTestSupport
import Foundation
import Testing

/// The built binary killed with `SIGKILL` in the middle of a rollout (after the switch, between the command and the
/// gate, during a rollback), then run again: the next run finishes what the journal says was started, runs no
/// command twice that had finished, and leaves a healthy release current.
@Suite("Crash safety: SIGKILL in the middle of a rollout", .serialized)
struct RolloutCrashTests {
    struct Root {
        let root: ReliabilityRoot
        let service: DeployedServiceFixture

        init(_ prefix: String) throws {
            let scratch = try ScratchDirectory(prefix: prefix)
            let service = try DeployedServiceFixture(scratch: scratch)
            self.service = service
            root = try ReliabilityRoot(
                prefix: prefix, repositories: ["api"], files: { _ in service.files(status: 200, marker: "one") },
                extraManifest: ["deploy": service.deployBlock(timeout: 4, interval: 0.1)], in: scratch)
        }

        func deployment() throws -> [String: Any] {
            let result = try root.run(["status", "--json"])
            let status = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            let repository = try #require((status["repos"] as? [[String: Any]])?.first)
            return try #require(repository["deployment"] as? [String: Any], "\(result.stdout)")
        }

        func head() throws -> String {
            try Shell.check(["git", "rev-parse", "HEAD"], in: root.repository("api"))
        }

        func remove() {
            service.stop()
            root.scratch.remove()
        }
    }

    @Test(arguments: ["rolloutSwitched", "rolloutGating"])
    func aRolloutKilledBeforeItsCommandOrItsGateIsFinishedByTheNextRun(point: String) throws {
        let root = try Root("crash-\(point)")
        defer { root.remove() }
        let killed = try root.root.run(["run-once"], crashAt: point)
        try #require(killed.killed, "the run must die at \(point): \(killed.transcript)")
        #expect(try root.deployment()["state"] as? String == "deploying", "the journal says a rollout is in flight")
        let commandsBefore = root.service.deploys().count
        #expect(commandsBefore == (point == "rolloutSwitched" ? 0 : 1))

        let recovery = try root.root.run(["run-once"])
        #expect(!recovery.signaled && recovery.status == 0, "\(recovery.transcript)")
        let deployment = try root.deployment()
        #expect(deployment["state"] as? String == "healthy")
        #expect(deployment["revision"] as? String == (try root.head()))
        #expect(root.service.answer()?.status == 200)
        // After the switch the command may not have run: it runs (once). After a finished command only the gate does.
        #expect(root.service.deploys().count == 1, "\(root.service.deploys())")
        #expect(
            recovery.stderr.contains("deploy api \(try root.head().prefix(10)): healthy"),
            "the resumed rollout is reported: \(recovery.stderr)")
    }

    @Test func aRollbackKilledAfterItsSwitchIsFinishedByTheNextRun() throws {
        let root = try Root("crash-rollback")
        defer { root.remove() }
        #expect(try root.root.run(["run-once"]).status == 0)
        let one = try root.head()
        let two = try root.root.fixture.pushCommit(
            to: root.root.remotes["api"]!, files: root.service.files(status: 500, marker: "two"))

        let killed = try root.root.run(["run-once"], crashAt: "rollbackSwitched")
        try #require(killed.killed, "\(killed.transcript)")
        var deployment = try root.deployment()
        #expect(deployment["state"] as? String == "deploying")
        #expect(deployment["blockedRevisions"] as? [String] == [two], "the failed revision is blocked before the rollback")

        let recovery = try root.root.run(["run-once"])
        #expect(!recovery.signaled && recovery.status == 1, "a rolled-back revision fails the run: \(recovery.transcript)")
        deployment = try root.deployment()
        #expect(deployment["state"] as? String == "rolled-back")
        #expect(deployment["revision"] as? String == one)
        #expect(root.service.answer()?.body.contains(one) == true, "revision 1 answers again")
        let rollouts = try JSONSerialization.jsonObject(
            with: Data(try root.root.run(["status", "--json", "--deployments", "5"]).stdout.utf8)) as! [String: Any]
        let last = try #require((rollouts["deployments"] as? [[String: Any]])?.first)
        #expect(last["resumed"] as? Bool == true)
        #expect(last["outcome"] as? String == "rolled-back")

        // Nothing is left to resume and the bad revision is not tried again.
        let next = try root.root.run(["run-once"])
        #expect(next.status == 0, "\(next.transcript)")
        #expect(try root.deployment()["revision"] as? String == one)
    }
}
