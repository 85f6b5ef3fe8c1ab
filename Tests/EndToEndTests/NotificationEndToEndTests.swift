import DeployTestSupport
import Foundation
import Testing

/// `DISPATCHER_NOTIFY_URL` through the built binary's `loop`: each transition reaches a local endpoint once, as
/// Slack's `{"text"}` or deployctl's JSON event, a failed delivery is retried, and no secret travels.
@Suite(.serialized) struct NotificationEndToEndTests {
    static let green = ["build.sh": "echo building\n"]
    static let red = ["build.sh": "echo 'Sources/Svc/Svc.swift:1:1: error: it broke'\nexit 1\n"]

    struct Root {
        let scratch: ScratchDirectory
        let fixture: GitFixture
        let remote: URL
        var url: URL { scratch.appending("root") }

        init(files: [String: String]) throws {
            scratch = try ScratchDirectory(prefix: "e2e-notify")
            fixture = GitFixture(scratch: scratch)
            remote = try fixture.makeRemote("svc", files: files.merging(["README.md": "svc\n"]) { $1 })
            try fixture.clone(remote, as: "root/repos/svc")
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent("feedback"), withIntermediateDirectories: true)
            let manifest = #"{"repositories": [{"name": "svc", "url": "\#(remote.path)", "build": ["sh", "build.sh"], "test": ["true"]}]}"#
            try Data(manifest.utf8).write(to: url.appendingPathComponent("deployctl.json"))
        }

        func loop(_ receiver: NotificationReceiver, format: String = "slack") throws -> BackgroundDeployctl {
            try Deployctl.startWithoutTerminal(
                ["loop", "--root", url.path, "--interval", "1"],
                environment: [
                    "DISPATCHER_USE_PRS": "0", "DISPATCHER_VERIFY_FEEDBACK": "0", "DISPATCHER_NOTIFY_URL": receiver.url,
                    "DISPATCHER_NOTIFY_FORMAT": format, "GITHUB_TOKEN": TestSecrets.gitToken,
                    "GIT_USER_NAME": "Deploy Bot", "GIT_USER_EMAIL": "bot@example.com",
                ])
        }

        func feedback(_ name: String, path: String) throws {
            let patch = "diff --git a/\(path) b/\(path)\n--- a/\(path)\n+++ b/\(path)\n@@ -1 +1 @@\n-svc\n+svc, fixed\n"
            try JSONSerialization.data(withJSONObject: [
                "version": 1, "id": name, "repo": "svc", "patch": patch, "description": "Feedback \(name)",
            ]).write(to: url.appendingPathComponent("feedback/\(name).json"))
        }
    }

    /// Waits until a delivery's body satisfies `condition`; the deliveries so far.
    static func wait(
        for receiver: NotificationReceiver, upTo seconds: Double = 30, _ condition: (NotificationReceiver.Delivery) -> Bool
    ) -> Bool {
        Polling.wait(upTo: seconds) { receiver.deliveries().contains { $0.status == 204 && condition($0) } }
    }

    @Test func eachTransitionIsPostedOnceAsSlackTextAFailedDeliveryIsRetriedAndNoSecretTravels() throws {
        let root = try Root(files: Self.green)
        defer { root.scratch.remove() }
        let receiver = try NotificationReceiver(scratch: root.scratch, failures: 1)
        defer { receiver.stop() }
        let loop = try root.loop(receiver)
        defer { loop.stop() }
        func text(_ delivery: NotificationReceiver.Delivery) -> String { delivery.json["text"] as? String ?? "" }

        let redCommit = try root.fixture.pushCommit(to: root.remote, files: Self.red)
        #expect(Self.wait(for: receiver) { text($0).hasPrefix("svc is red at \(redCommit.prefix(10))") }, "\(receiver.deliveries())")
        let first = try #require(receiver.deliveries().first)
        #expect(first.status == 500, "the endpoint refused the first delivery")
        #expect(receiver.deliveries().filter { text($0) == text(first) }.count == 2, "and it was delivered again")

        let greenCommit = try root.fixture.pushCommit(to: root.remote, files: Self.green)
        #expect(Self.wait(for: receiver) { text($0) == "svc is green again at \(greenCommit.prefix(10))" })

        try root.feedback("fix-1", path: "README.md")
        #expect(Self.wait(for: receiver) { text($0).hasPrefix("feedback fix-1.json applied to svc") })
        try root.feedback("evil-1", path: ".github/workflows/ci.yml")
        #expect(Self.wait(for: receiver) { text($0).hasPrefix("feedback evil-1.json rejected") })

        // A build that takes longer than three intervals: the loop has stalled.
        try root.fixture.pushCommit(to: root.remote, files: ["build.sh": "sleep 6\n"])
        #expect(Self.wait(for: receiver) { text($0).hasPrefix("deployctl loop has finished no cycle since") })

        let deliveries = receiver.deliveries()
        #expect(deliveries.filter { text($0).hasPrefix("svc is red") && $0.status == 204 }.count == 1, "told once")
        #expect(deliveries.filter { text($0).hasPrefix("svc is green again") }.count == 1)
        for delivery in deliveries {
            #expect(delivery.contentType == "application/json")
            #expect(delivery.authorization == nil)
            #expect(!delivery.body.contains(TestSecrets.gitToken))
            #expect(!delivery.body.contains("secret-path-for-tests"))
        }
        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }

    @Test func theJSONFormatCarriesTheEventTheRepositoryAndTheRevision() throws {
        let root = try Root(files: Self.red)
        defer { root.scratch.remove() }
        let receiver = try NotificationReceiver(scratch: root.scratch)
        defer { receiver.stop() }
        let loop = try root.loop(receiver, format: "json")
        defer { loop.stop() }
        let head = try Shell.check(["git", "rev-parse", "HEAD"], in: root.url.appendingPathComponent("repos/svc"))
        #expect(Self.wait(for: receiver) { $0.json["event"] as? String == "repository.red" }, "\(receiver.deliveries())")
        let event = try #require(receiver.deliveries().first { $0.json["event"] as? String == "repository.red" }?.json)
        #expect(event["repository"] as? String == "svc")
        #expect(event["revision"] as? String == head)
        #expect((event["text"] as? String)?.contains("error") == true)
        #expect((event["at"] as? String)?.hasSuffix("Z") == true)
        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }
}
