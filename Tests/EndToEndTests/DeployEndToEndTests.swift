import DeployTestSupport
import Foundation
import Testing

/// Rollouts through the built binary, with a real service: each revision's `deploy.sh` starts a Python HTTP server
/// on 127.0.0.1 from its release folder, and the health gate asks it.
@Suite(.serialized) struct DeployEndToEndTests {
    struct Root {
        let scratch: ScratchDirectory
        let fixture: GitFixture
        let service: DeployedServiceFixture
        let remote: URL
        var url: URL { scratch.appending("root") }

        /// A root managing `api`, whose first revision answers `status`, with `deploy` as its manifest block.
        init(status: Int = 200, deploy: ((DeployedServiceFixture) -> [String: Any])? = nil) throws {
            scratch = try ScratchDirectory(prefix: "e2e-deploy")
            fixture = GitFixture(scratch: scratch)
            let service = try DeployedServiceFixture(scratch: scratch)
            self.service = service
            remote = try fixture.makeRemote("api", files: service.files(status: status, marker: "one"))
            try FileManager.default.createDirectory(
                at: scratch.appending("root/repos"), withIntermediateDirectories: true)
            try Shell.check(["git", "clone", "--quiet", remote.path, scratch.appending("root/repos/api").path])
            let entry: [String: Any] = [
                "name": "api", "url": remote.path, "build": ["true"], "test": ["true"],
                "deploy": deploy?(service) ?? service.deployBlock(),
            ]
            try JSONSerialization.data(withJSONObject: ["repositories": [entry]], options: [.sortedKeys])
                .write(to: scratch.appending("root/deployctl.json"))
        }

        func run(_ arguments: [String], environment: [String: String]? = nil) throws -> ShellResult {
            try Deployctl.run(
                arguments + ["--root", url.path],
                environment: environment ?? ["DISPATCHER_USE_PRS": "0", "DISPATCHER_VERIFY_FEEDBACK": "0"])
        }

        /// Pushes a revision answering `status` (its deploy script exiting with `deployExit`); returns its id.
        @discardableResult
        func push(status: Int, deployExit: Int = 0, marker: String) throws -> String {
            try fixture.pushCommit(
                to: remote, files: service.files(status: status, deployExit: deployExit, marker: marker))
        }

        /// `status --json`'s `deployment` of `api`.
        func deployment() throws -> [String: Any] {
            let result = try run(["status", "--json", "--deployments", "50"])
            #expect(result.status == 0, "\(result.stderr)")
            let status = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            let repository = try #require((status["repos"] as? [[String: Any]])?.first { $0["name"] as? String == "api" })
            return try #require(repository["deployment"] as? [String: Any], "\(result.stdout)")
        }

        /// The finished rollouts, newest first.
        func rollouts() throws -> [[String: Any]] {
            let result = try run(["status", "--json", "--deployments", "50"])
            let status = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            return status["deployments"] as? [[String: Any]] ?? []
        }

        /// The revision `deploy/current/api` points at.
        func current() -> String? {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: url.appendingPathComponent("deploy/current/api").path))
                .map { URL(fileURLWithPath: $0).lastPathComponent }
        }

        func head() throws -> String {
            try Shell.check(["git", "rev-parse", "HEAD"], in: url.appendingPathComponent("repos/api"))
        }

        func remove() {
            service.stop()
            scratch.remove()
        }
    }

    @Test func aGreenRevisionDeploysABadOneIsRolledBackAndStaysBlockedTheNextDeploysAndRollbackWorksByHand() throws {
        let root = try Root()
        defer { root.remove() }

        // Revision 1 deploys healthy.
        let first = try root.run(["run-once"])
        try #require(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        let one = try root.head()
        var deployment = try root.deployment()
        #expect(deployment["state"] as? String == "healthy")
        #expect(deployment["revision"] as? String == one)
        #expect(root.current() == one)
        #expect(root.service.answer()?.status == 200)
        #expect(root.service.answer()?.body.contains(one) == true, "the service runs from the release of revision 1")
        let release = root.url.appendingPathComponent("deploy/releases/api/\(one)")
        #expect(FileManager.default.fileExists(atPath: release.appendingPathComponent("server.py").path))
        #expect(!FileManager.default.fileExists(atPath: release.appendingPathComponent(".git").path))
        let firstDeploy = try #require(root.service.deploys().last)
        #expect(firstDeploy.contains("api \(one) previous=none release=\(release.path)"), "\(firstDeploy)")

        // An unchanged cycle deploys nothing.
        #expect(try root.run(["run-once"]).status == 0)
        #expect(root.service.deploys().count == 1)

        // Revision 2 builds green but answers 500: rolled back to 1 within its gate's timeout and the commands.
        let two = try root.push(status: 500, marker: "two")
        let started = Date()
        let second = try root.run(["run-once"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(second.status == 1, "a rolled-back revision fails the run: \(second.stdout)\n\(second.stderr)")
        #expect(second.stderr.contains("deploy api \(two.prefix(10)): rolled-back to \(one.prefix(10))"), "\(second.stderr)")
        #expect(elapsed < 5 + 15, "timeout 5 s plus the commands and one cycle took \(elapsed) s")
        deployment = try root.deployment()
        #expect(deployment["state"] as? String == "rolled-back")
        #expect(deployment["revision"] as? String == one)
        #expect(deployment["blockedRevisions"] as? [String] == [two])
        #expect(root.current() == one)
        #expect(root.service.answer()?.status == 200)
        #expect(root.service.answer()?.body.contains(one) == true, "revision 1's service answers again")
        let report = try #require(deployment["report"] as? String)
        let evidence = try String(contentsOfFile: report, encoding: .utf8)
        #expect(evidence.contains("500 revision=\(two) status=500"), "the last probe answers are kept: \(evidence)")
        #expect(evidence.contains("started the service of \(two)"), "the command's output is kept: \(evidence)")
        let table = try root.run(["status"])
        #expect(table.stdout.contains("DEPLOYED"))
        #expect(table.stdout.contains("\(one.prefix(7)) rolled-back"), "\(table.stdout)")
        #expect(table.stdout.contains("rollout report: \(report)"), "\(table.stdout)")

        // It stays blocked over further cycles.
        for _ in 0..<2 {
            let again = try root.run(["run-once"])
            #expect(!again.stderr.contains("deploy api"), "\(again.stderr)")
        }
        #expect(root.current() == one)
        #expect(try root.rollouts().count == 2)

        // Revision 3 deploys.
        let three = try root.push(status: 200, marker: "three")
        let third = try root.run(["run-once"])
        #expect(third.status == 0, "\(third.stdout)\n\(third.stderr)")
        deployment = try root.deployment()
        #expect(deployment["state"] as? String == "healthy")
        #expect(deployment["revision"] as? String == three)
        #expect(deployment["previousRevision"] as? String == one)
        #expect(root.service.answer()?.body.contains(three) == true)
        let lastDeploy = try #require(root.service.deploys().last)
        #expect(lastDeploy.contains("api \(three) previous=\(one)"), "\(lastDeploy)")

        // Rollback by hand: back to 1, and 3 is blocked.
        let rollback = try root.run(["rollback", "api"])
        #expect(rollback.status == 0, "\(rollback.stdout)\n\(rollback.stderr)")
        deployment = try root.deployment()
        #expect(deployment["revision"] as? String == one)
        #expect(deployment["state"] as? String == "rolled-back")
        #expect(Set(deployment["blockedRevisions"] as? [String] ?? []) == [two, three])
        #expect(root.service.answer()?.body.contains(one) == true)
        #expect(try root.run(["run-once"]).stderr.contains("deploy api") == false, "3 is not deployed again")

        // --to a kept release by prefix; one that is not kept is a usage error naming what is.
        let unknown = try root.run(["rollback", "api", "--to", "abcdef12"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("'abcdef12', which is not a kept release of api"), "\(unknown.stderr)")
        let toThree = try root.run(["rollback", "api", "--to", String(three.prefix(8))])
        #expect(toThree.status == 0, "\(toThree.stderr)")
        #expect(root.current() == three)

        let rollouts = try root.rollouts()
        #expect(rollouts.map { $0["trigger"] as? String } == ["rollback", "rollback", "cycle", "cycle", "cycle"])
        #expect(rollouts.map { $0["outcome"] as? String } == ["healthy", "healthy", "healthy", "rolled-back", "healthy"])
        let history = try root.run(["status", "--deployments", "2"])
        #expect(history.stdout.contains("LAST PROBE"), "\(history.stdout)")
    }

    @Test func aFailingCommandAndAHealthCommandAndARollbackThatFailsTooLeaveTheRepositoryFailedUntilDeployedByHand()
        throws
    {
        let root = try Root { service in
            // Healthy while the release's status.txt says 200 and the fixture's `allow` file exists.
            service.deployBlock(
                timeout: 2, interval: 0.1,
                health: [
                    "command": [
                        "sh", "-c", "grep -q 200 status.txt && test -f '\(service.stateFolder.path)/allow'",
                    ]
                ])
        }
        defer { root.remove() }
        let allow = root.service.stateFolder.appendingPathComponent("allow")
        try Data().write(to: allow)
        #expect(try root.run(["run-once"]).status == 0)
        let one = try root.head()
        #expect(try root.deployment()["state"] as? String == "healthy")

        // A command that fails: rolled back without probing the broken release.
        let two = try root.push(status: 200, deployExit: 4, marker: "two")
        let failing = try root.run(["run-once"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("deploy.sh ended with exit code 4"), "\(failing.stderr)")
        #expect(try root.deployment()["revision"] as? String == one)
        #expect(try root.deployment()["blockedRevisions"] as? [String] == [two])

        // The rollback fails too: the health command refuses every release.
        try FileManager.default.removeItem(at: allow)
        let three = try root.push(status: 200, marker: "three")
        let down = try root.run(["run-once"])
        #expect(down.status == 3, "no healthy release is an outage: \(down.stdout)\n\(down.stderr)")
        #expect(down.stderr.contains("deploy api \(three.prefix(10)): failed"), "\(down.stderr)")
        #expect(down.stderr.contains("the rollback failed too"), "\(down.stderr)")
        var deployment = try root.deployment()
        #expect(deployment["state"] as? String == "failed")
        let deploysBefore = root.service.deploys().count
        #expect(!(try root.run(["run-once"]).stderr.contains("deploy api")), "nothing more is tried")
        #expect(root.service.deploys().count == deploysBefore)

        // A person fixes what the gate needs and redeploys the current release.
        try Data().write(to: allow)
        let redeploy = try root.run(["deploy", "api"])
        #expect(redeploy.status == 0, "\(redeploy.stdout)\n\(redeploy.stderr)")
        deployment = try root.deployment()
        #expect(deployment["state"] as? String == "healthy")
        #expect(deployment["revision"] as? String == root.current())

        // Usage errors change nothing.
        let unknown = try root.run(["deploy", "web"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no 'deploy' block for web"), "\(unknown.stderr)")
    }

    @Test func publishedFeedbackIsDeployedByTheNextCycleAndItsRestartIsLeftToTheRollout() throws {
        let root = try Root()
        defer { root.remove() }
        #expect(try root.run(["run-once"]).status == 0)
        let restarted = root.scratch.appending("restart-ran")
        let commands = root.url.appendingPathComponent("commands")
        try FileManager.default.createDirectory(at: commands, withIntermediateDirectories: true)
        try "touch '\(restarted.path)'\n".write(
            to: commands.appendingPathComponent("restart-api.sh"), atomically: true, encoding: .utf8)
        let patch = "diff --git a/marker.txt b/marker.txt\n--- a/marker.txt\n+++ b/marker.txt\n@@ -1 +1 @@\n-one\n+fixed\n"
        let feedback: [String: Any] = [
            "version": 1, "id": "fix-marker", "repo": "api", "patch": patch, "description": "Fix the marker",
            "restart": true,
        ]
        try FileManager.default.createDirectory(
            at: root.url.appendingPathComponent("feedback"), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: feedback).write(
            to: root.url.appendingPathComponent("feedback/001-fix.json"))

        let applied = try root.run(["run-once"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.url.appendingPathComponent("feedback/applied/001-fix.json").path))
        #expect(!FileManager.default.fileExists(atPath: restarted.path), "no restart script for a repository that deploys")
        let fixed = try root.head()

        let next = try root.run(["run-once"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("deploy api \(fixed.prefix(10)): healthy"), "\(next.stderr)")
        #expect(root.current() == fixed)
        #expect(try String(contentsOf: root.url.appendingPathComponent("deploy/current/api/marker.txt"), encoding: .utf8) == "fixed\n")
        #expect(!FileManager.default.fileExists(atPath: restarted.path))
    }

    @Test func underLoopOneRepositoryWaitingOnItsGateHoldsUpNoOtherAndAStoppedRolloutIsFinishedByTheNextRun() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-deploy-loop")
        let service = try DeployedServiceFixture(scratch: scratch)
        defer {
            service.stop()
            scratch.remove()
        }
        let fixture = GitFixture(scratch: scratch)
        let root = scratch.appending("root")
        let fast = try fixture.makeRemote("fast", files: service.files(status: 200, marker: "one"))
        let slow = try fixture.makeRemote("slow", files: ["deploy.sh": "echo deployed\n", "ok": "yes\n"])
        try fixture.clone(fast, as: "root/repos/fast")
        try fixture.clone(slow, as: "root/repos/slow")
        func writeManifest(slowTimeout: Double) throws {
            let entries: [[String: Any]] = [
                ["name": "fast", "url": fast.path, "build": ["true"], "test": ["true"], "deploy": service.deployBlock()],
                [
                    "name": "slow", "url": slow.path, "build": ["true"], "test": ["true"],
                    "deploy": [
                        "command": ["sh", "deploy.sh"], "health": ["command": ["test", "-f", "ok"]],
                        "timeout": slowTimeout, "interval": 0.2,
                    ],
                ],
            ]
            try JSONSerialization.data(withJSONObject: ["repositories": entries]).write(
                to: root.appendingPathComponent("deployctl.json"))
        }
        try writeManifest(slowTimeout: 600)
        let environment = ["DISPATCHER_USE_PRS": "0", "DISPATCHER_VERIFY_FEEDBACK": "0"]
        func deployments() throws -> [String: [String: Any]] {
            let result = try Deployctl.run(["status", "--json", "--root", root.path])
            let status = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            var states: [String: [String: Any]] = [:]
            for repository in status["repos"] as? [[String: Any]] ?? [] {
                states[repository["name"] as! String] = repository["deployment"] as? [String: Any]
            }
            return states
        }
        #expect(try Deployctl.run(["run-once", "--root", root.path], environment: environment).status == 0)
        #expect(try deployments().mapValues { $0["state"] as? String } == ["fast": "healthy", "slow": "healthy"])

        let loop = try Deployctl.startWithoutTerminal(
            ["loop", "--root", root.path, "--interval", "1"], environment: environment)
        defer { loop.stop() }
        // slow's next revision never passes its gate (600 s); fast's next one must not wait for it.
        let slowTwo = try fixture.pushCommit(to: slow, files: ["deploy.sh": "echo deployed two\n"], removing: ["ok"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try deployments()["slow"]?["state"] as? String != "deploying" {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let fastTwo = try fixture.pushCommit(to: fast, files: service.files(status: 200, marker: "two"))
        var states = try deployments()
        while Date() < deadline,
            states["fast"]?["revision"] as? String != fastTwo || states["fast"]?["state"] as? String != "healthy"
        {
            Thread.sleep(forTimeInterval: 0.2)
            states = try deployments()
        }
        #expect(states["fast"]?["revision"] as? String == fastTwo, "fast is deployed while slow waits: \(states)")
        #expect(states["fast"]?["state"] as? String == "healthy")
        #expect(states["slow"]?["state"] as? String == "deploying", "\(states)")
        #expect(service.answer()?.body.contains(fastTwo) == true)

        // Stopping the loop stops slow's gate; its journal stays, and the next run judges the release.
        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
        #expect(try deployments()["slow"]?["state"] as? String == "deploying")
        try writeManifest(slowTimeout: 1)
        let next = try Deployctl.run(["run-once", "--root", root.path], environment: environment)
        #expect(next.status == 1, "slow's revision is rolled back: \(next.stderr)")
        states = try deployments()
        #expect(states["slow"]?["state"] as? String == "rolled-back")
        #expect(states["slow"]?["blockedRevisions"] as? [String] == [slowTwo])
    }

    @Test func aRolledBackRevisionsEvidenceIsOfferedToTheModelAndItsVerifiedFixIsDeployed() async throws {
        let root = try Root()
        defer { root.remove() }
        let server = try ChatCompletionsServer(key: TestSecrets.openAIKey, model: "e2e-model")
        defer { server.stop() }
        let fix = "--- a/status.txt\n+++ b/status.txt\n@@ -1 +1 @@\n-500\n+200\n"
        try await server.script(.fix, [.content("The health check answers 500.\n\n```diff\n\(fix)```")])
        try await server.script(.commit, [.content("Answer 200 on the health check again")])
        let environment = [
            "DISPATCHER_USE_PRS": "0", "DISPATCHER_PROPOSE_FIXES": "1", "DISPATCHER_PROPOSE_ATTEMPTS": "1",
            "OPENAI_API_KEY": TestSecrets.openAIKey, "OPENAI_API_BASE": server.apiBase.absoluteString,
            "OPENAI_MODEL": "e2e-model", "DISPATCHER_MODEL_TIMEOUT": "20",
            "GIT_USER_NAME": "Deploy Bot", "GIT_USER_EMAIL": "bot@example.com",
        ]
        #expect(try root.run(["run-once"], environment: environment).status == 0)
        let one = try root.head()
        let two = try root.push(status: 500, marker: "two")

        // The rollback, then a proposal from its evidence, verified and pushed in the same run.
        let rolledBack = try root.run(["run-once"], environment: environment)
        #expect(rolledBack.status == 1, "\(rolledBack.stderr)")
        #expect(rolledBack.stderr.contains("deploy api \(two.prefix(10)): rolled-back to \(one.prefix(10))"))
        let short = String(two.prefix(12))
        let applied = root.url.appendingPathComponent("feedback/applied/proposed-api-\(short)-1.json")
        #expect(FileManager.default.fileExists(atPath: applied.path), "\(rolledBack.stderr)")
        let report = try await server.report()
        let prompt = try #require(report.requests.first { $0.kind == "fix" }?.userText)
        #expect(prompt.contains("failed its health check and was rolled back"), "\(prompt)")
        #expect(prompt.contains("## The failed rollout"))
        #expect(prompt.contains("500 revision=\(two) status=500"), "the gate's answers are in the prompt")
        #expect(prompt.contains("## Changes since the last healthy release (\(one.prefix(12)))"))
        #expect(prompt.contains("status.txt"))
        #expect(!prompt.contains(TestSecrets.openAIKey))

        // The fix is the new head; the next cycle builds it green and deploys it.
        let fixed = try root.head()
        #expect(fixed != two)
        let next = try root.run(["run-once"], environment: environment)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("deploy api \(fixed.prefix(10)): healthy"), "\(next.stderr)")
        #expect(root.service.answer()?.body.contains("revision=\(fixed) status=200") == true)
    }
}
