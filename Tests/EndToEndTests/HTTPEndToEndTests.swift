import Crypto
import DeployTestSupport
import Foundation
import Testing

/// `loop --listen` through the built binary, asked with curl (and its metrics read by Python's `prometheus_client`):
/// health and readiness, the status API, the metrics, and signed, wrongly signed and unsigned GitHub and Gitea push
/// webhooks starting exactly one cycle of the right repository.
@Suite(.serialized) struct HTTPEndToEndTests {
    static let secret = "webhook-secret-\(UUID().uuidString.prefix(8))"

    struct Answer {
        var status: Int
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
    }

    struct Root {
        let scratch: ScratchDirectory
        let fixture: GitFixture
        let remotes: [String: URL]
        let port: Int
        var url: URL { scratch.appending("root") }
        var base: String { "http://127.0.0.1:\(port)" }

        init() throws {
            scratch = try ScratchDirectory(prefix: "e2e-http")
            fixture = GitFixture(scratch: scratch)
            var remotes: [String: URL] = [:]
            var entries: [[String: Any]] = []
            for name in ["api", "web"] {
                let remote = try fixture.makeRemote(name, files: ["README.md": "\(name)\n"])
                remotes[name] = remote
                try fixture.clone(remote, as: "root/repos/\(name)")
                // web's first build takes a moment, so that /readyz is seen answering 503 before the first cycle ends.
                entries.append([
                    "name": name, "url": remote.path, "build": name == "web" ? ["sleep", "2"] : ["true"],
                    "test": ["true"],
                ])
            }
            self.remotes = remotes
            try JSONSerialization.data(withJSONObject: ["repositories": entries]).write(
                to: scratch.appending("root/deployctl.json"))
            port = try DeployedServiceFixture.freePort()
        }

        /// `loop --listen` on this root's port, with direct pushes and no verification, plus `environment`.
        func startLoop(_ environment: [String: String] = [:]) throws -> BackgroundDeployctl {
            try Deployctl.startWithoutTerminal(
                ["loop", "--root", url.path, "--interval", "3600", "--listen", "127.0.0.1:\(port)"],
                environment: ["DISPATCHER_USE_PRS": "0", "DISPATCHER_VERIFY_FEEDBACK": "0"]
                    .merging(environment) { $1 })
        }

        /// One request with curl; `body` is sent byte for byte.
        func request(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) throws -> Answer {
            var arguments = ["curl", "-s", "--max-time", "10", "-X", method, "-o", "-", "-w", "\n%{http_code}"]
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
            if let body {
                let file = scratch.appending("body-\(UUID().uuidString.prefix(6))")
                try body.write(to: file)
                arguments += ["--data-binary", "@\(file.path)", "-H", "Content-Type: application/json"]
            }
            let result = try Shell.run(arguments + [base + path])
            var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let status = Int(lines.popLast() ?? "") ?? 0
            return Answer(status: status, body: lines.joined(separator: "\n"))
        }

        func status(history: Int = 0) throws -> [String: Any] {
            let result = try Deployctl.run(["status", "--json", "--history", String(history), "--root", url.path])
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        }

        /// The loop's cycles, oldest first: trigger and the repositories each updated.
        func cycles() throws -> [(trigger: String, repositories: [String])] {
            let history = try status(history: 1000)["history"] as? [[String: Any]] ?? []
            return history.reversed().compactMap { cycle in
                guard let record = cycle["record"] as? [String: Any], let trigger = record["trigger"] as? String,
                    trigger != "feedback"
                else { return nil }
                let repositories = (record["repositories"] as? [[String: Any]] ?? []).compactMap { $0["repository"] as? String }
                return (trigger, repositories)
            }
        }

        /// Waits up to `seconds` for `condition`.
        func wait(upTo seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
            try Polling.wait(upTo: seconds, until: condition)
        }
    }

    /// GitHub's push payload (docs.github.com, "push" event), trimmed to realistic fields.
    static func githubPush(ref: String, cloneURL: String, fullName: String) -> Data {
        let payload: [String: Any] = [
            "ref": ref, "before": String(repeating: "0", count: 40), "after": String(repeating: "a", count: 40),
            "created": false, "deleted": false, "forced": false, "compare": "https://github.com/\(fullName)/compare/x",
            "commits": [["id": String(repeating: "a", count: 40), "message": "change", "distinct": true]],
            "repository": [
                "id": 1, "name": String(fullName.split(separator: "/").last!), "full_name": fullName,
                "private": false, "html_url": "https://github.com/\(fullName)", "clone_url": cloneURL,
                "ssh_url": "git@github.com:\(fullName).git", "default_branch": "main",
                "owner": ["login": String(fullName.split(separator: "/").first!), "id": 2],
            ],
            "pusher": ["name": "someone", "email": "someone@example.com"], "sender": ["login": "someone", "id": 3],
        ]
        return try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
    }

    /// Gitea's push payload (docs.gitea.com, "Webhooks"), trimmed to realistic fields.
    static func giteaPush(ref: String, cloneURL: String, fullName: String) -> Data {
        let payload: [String: Any] = [
            "ref": ref, "before": String(repeating: "0", count: 40), "after": String(repeating: "b", count: 40),
            "compare_url": "https://gitea.example.com/\(fullName)/compare/x",
            "commits": [["id": String(repeating: "b", count: 40), "message": "change\n", "url": "https://gitea.example.com/c"]],
            "repository": [
                "id": 7, "name": String(fullName.split(separator: "/").last!), "full_name": fullName,
                "html_url": "https://gitea.example.com/\(fullName)", "clone_url": cloneURL,
                "ssh_url": "git@gitea.example.com:\(fullName).git", "default_branch": "main",
                "owner": ["id": 1, "login": String(fullName.split(separator: "/").first!)],
            ],
            "pusher": ["id": 1, "login": "someone"], "sender": ["id": 1, "login": "someone"],
        ]
        return try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
    }

    static func sign(_ body: Data, secret: String = Self.secret) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    @Test func theLoopServesHealthStatusMetricsAndSignedPushWebhooksStartOneCycleOfTheRightRepository() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let loop = try root.startLoop([
            "DISPATCHER_WEBHOOK_SECRET": Self.secret,
        ])
        defer { loop.stop() }

        // Health at once; ready only once the first cycle has finished.
        #expect(root.wait(upTo: 30) { (try? root.request("GET", "/healthz"))?.status == 200 }, "the server answers")
        let early = try root.request("GET", "/readyz")
        #expect(early.status == 503, "web's first build is still running: \(early.body)")
        #expect(early.body.contains("the first cycle has not finished"))
        #expect(root.wait(upTo: 30) { (try? root.request("GET", "/readyz"))?.status == 200 })
        #expect(try root.request("GET", "/healthz").body == "ok\n")

        // The status API is `status --json`.
        let api = try root.request("GET", "/api/v1/status")
        #expect(api.status == 200)
        let cli = try root.status()
        #expect(NSDictionary(dictionary: api.json["repos"].map { ["repos": $0] } ?? [:]).isEqual(to: ["repos": cli["repos"]!]))
        #expect(api.json["root"] as? String == cli["root"] as? String)
        let detail = try root.request("GET", "/api/v1/repositories/api")
        #expect(detail.status == 200)
        #expect((detail.json["repository"] as? [String: Any])?["name"] as? String == "api")
        #expect(detail.json["report"] is [String: Any], "the last build's report: \(detail.body)")
        #expect(try root.request("GET", "/api/v1/repositories/nope").status == 404)
        #expect(try root.request("GET", "/api/v1/repositories/..%2F..%2Fetc/log").status == 404)
        let log = try root.request("GET", "/api/v1/repositories/api/log?tail=2")
        #expect(log.status == 200)
        #expect(log.body.split(separator: "\n").count == 2, "\(log.body)")
        #expect(try root.request("GET", "/api/v1/repositories/api/log?tail=0").status == 400)

        // Webhooks: a signed GitHub push naming api starts one cycle of api alone.
        let before = try root.cycles()
        let push = Self.githubPush(ref: "refs/heads/main", cloneURL: root.remotes["api"]!.path, fullName: "acme/api")
        let started = try root.request(
            "POST", "/hooks/github",
            headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + Self.sign(push)], body: push)
        #expect(started.status == 202, "\(started.body)")
        #expect(started.json["repositories"] as? [String] == ["api"])
        #expect(root.wait(upTo: 30) { (try? root.cycles().count) == before.count + 1 })
        var cycles = try root.cycles()
        #expect(cycles.last?.trigger == "webhook")
        #expect(cycles.last?.repositories == ["api"])

        // Wrongly signed, unsigned, another branch, a ping: nothing starts.
        let wrong = try root.request(
            "POST", "/hooks/github",
            headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + Self.sign(push, secret: "guess")],
            body: push)
        #expect(wrong.status == 401)
        let unsigned = try root.request("POST", "/hooks/github", headers: ["X-GitHub-Event": "push"], body: push)
        #expect(unsigned.status == 401)
        let tampered = push + Data(" ".utf8)
        #expect(
            try root.request(
                "POST", "/hooks/github",
                headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + Self.sign(push)], body: tampered
            ).status == 401, "the signature covers the body")
        let otherBranch = Self.githubPush(ref: "refs/heads/dev", cloneURL: root.remotes["api"]!.path, fullName: "acme/api")
        let ignored = try root.request(
            "POST", "/hooks/github",
            headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + Self.sign(otherBranch)],
            body: otherBranch)
        #expect(ignored.status == 202)
        #expect(ignored.json["repositories"] as? [String] == [])
        let ping = Data(#"{"zen": "Keep it logically awesome.", "hook_id": 1}"#.utf8)
        #expect(
            try root.request(
                "POST", "/hooks/github",
                headers: ["X-GitHub-Event": "ping", "X-Hub-Signature-256": "sha256=" + Self.sign(ping)], body: ping
            ).status == 200)

        // Gitea: the digest without a prefix, naming web.
        let giteaPush = Self.giteaPush(ref: "refs/heads/main", cloneURL: root.remotes["web"]!.path, fullName: "acme/web")
        let gitea = try root.request(
            "POST", "/hooks/gitea", headers: ["X-Gitea-Event": "push", "X-Gitea-Signature": Self.sign(giteaPush)],
            body: giteaPush)
        #expect(gitea.status == 202, "\(gitea.body)")
        #expect(gitea.json["repositories"] as? [String] == ["web"])
        #expect(
            try root.request(
                "POST", "/hooks/gitea",
                headers: ["X-Gitea-Event": "push", "X-Gitea-Signature": "sha256=" + Self.sign(giteaPush)], body: giteaPush
            ).status == 401, "GitHub's prefix is not Gitea's")
        #expect(root.wait(upTo: 30) { (try? root.cycles().count) == before.count + 2 })
        Thread.sleep(forTimeInterval: 1)
        cycles = try root.cycles()
        #expect(cycles.count == before.count + 2, "exactly one cycle per accepted push: \(cycles)")
        #expect(cycles.last?.trigger == "webhook")
        #expect(cycles.last?.repositories == ["web"])

        // The metrics, read by Prometheus' own Python client, say what happened.
        let metrics = try root.request("GET", "/metrics")
        #expect(metrics.status == 200)
        let samples = try PrometheusText.parse(metrics.body, scratch: root.scratch)
        #expect(samples["deployctl_cycles_total{result=\"passed\"}"] == Double(cycles.count), "\(samples)")
        #expect(samples["deployctl_cycle_duration_seconds_count"] == Double(cycles.count))
        #expect(samples["deployctl_repository_green{repository=\"api\"}"] == 1)
        #expect(samples["deployctl_webhooks_total{forge=\"github\",result=\"started\"}"] == 1)
        #expect(samples["deployctl_webhooks_total{forge=\"github\",result=\"bad-signature\"}"] == 2)
        #expect(samples["deployctl_webhooks_total{forge=\"github\",result=\"unsigned\"}"] == 1)
        #expect(samples["deployctl_webhooks_total{forge=\"github\",result=\"unmatched\"}"] == 1)
        #expect(samples["deployctl_webhooks_total{forge=\"github\",result=\"ping\"}"] == 1)
        #expect(samples["deployctl_webhooks_total{forge=\"gitea\",result=\"started\"}"] == 1)
        #expect(samples.keys.contains { $0.hasPrefix("deployctl_step_duration_seconds_count{repository=\"web\",step=\"build\"") })
        #expect(!metrics.body.contains(root.url.path), "no label carries a path")
        #expect(!metrics.body.contains(Self.secret))

        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }

    @Test func feedbackSubmittedOverHTTPIsValidatedAsAFileQueuedAndFollowedToItsOutcome() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let token = "api-token-\(UUID().uuidString.prefix(8))"
        let loop = try root.startLoop([
            "DISPATCHER_API_TOKEN": token, "GIT_USER_NAME": "Deploy Bot", "GIT_USER_EMAIL": "bot@example.com",
        ])
        defer { loop.stop() }
        #expect(root.wait(upTo: 30) { (try? root.request("GET", "/readyz"))?.status == 200 })
        let bearer = ["Authorization": "Bearer \(token)"]
        func document(_ id: String, path: String = "README.md") -> Data {
            let patch = "diff --git a/\(path) b/\(path)\n--- a/\(path)\n+++ b/\(path)\n@@ -1 +1 @@\n-api\n+api, fixed\n"
            return try! JSONSerialization.data(withJSONObject: [
                "version": 1, "id": id, "repo": "api", "patch": patch, "description": "Fix \(id)",
            ])
        }

        // Without the token, or with another: 401; an unknown id: 404.
        #expect(try root.request("POST", "/api/v1/feedback", body: document("fix-1")).status == 401)
        #expect(
            try root.request("POST", "/api/v1/feedback", headers: ["Authorization": "Bearer guess"], body: document("fix-1"))
                .status == 401)
        #expect(try root.request("GET", "/api/v1/feedback/fix-1", headers: bearer).status == 404)
        #expect(try root.request("GET", "/api/v1/feedback/fix-1").status == 401)

        // Refused as a file would be: the same code and reason.
        let broken = try root.request(
            "POST", "/api/v1/feedback", headers: bearer,
            body: Data(#"{"repo": "../../etc", "patch": "x", "description": "d"}"#.utf8))
        #expect(broken.status == 400, "\(broken.body)")
        #expect(broken.json["code"] as? String == "invalid-repository-name", "\(broken.body)")
        #expect(broken.json["field"] as? String == "repo")
        let notJSON = try root.request("POST", "/api/v1/feedback", headers: bearer, body: Data("{".utf8))
        #expect(notJSON.status == 400)
        #expect(notJSON.json["code"] as? String == "malformed-json")
        let written = try FileManager.default.contentsOfDirectory(atPath: root.url.appendingPathComponent("feedback").path)
        #expect(!written.contains { $0.hasPrefix("api-") || $0.hasPrefix(".api-") }, "a refused document changes nothing")

        // A good one: queued, then applied, its result at its location.
        let queued = try root.request("POST", "/api/v1/feedback", headers: bearer, body: document("fix-1"))
        #expect(queued.status == 202, "\(queued.body)")
        #expect(queued.json["state"] as? String == "pending")
        let location = try #require(queued.json["location"] as? String)
        #expect(location == "/api/v1/feedback/fix-1")
        #expect(try root.request("POST", "/api/v1/feedback", headers: bearer, body: document("fix-1")).status == 409)
        var standing = Answer(status: 0, body: "")
        let applied = root.wait(upTo: 60) {
            standing = (try? root.request("GET", location, headers: bearer)) ?? standing
            return standing.json["state"] as? String == "applied"
        }
        #expect(applied, "\(standing.body)")
        #expect((standing.json["result"] as? [String: Any])?["commit"] is String, "\(standing.body)")

        // One the patch policy refuses is accepted for processing and ends rejected, with the policy's reason.
        let hostile = try root.request(
            "POST", "/api/v1/feedback", headers: bearer, body: document("evil-1", path: ".github/workflows/ci.yml"))
        #expect(hostile.status == 202)
        let rejected = root.wait(upTo: 60) {
            standing = (try? root.request("GET", "/api/v1/feedback/evil-1", headers: bearer)) ?? standing
            return standing.json["state"] as? String == "rejected"
        }
        #expect(rejected, "\(standing.body)")
        #expect((standing.json["reason"] as? String)?.contains(".github/workflows") == true, "\(standing.body)")
        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }

    @Test func withoutAWebhookSecretOrAnAPITokenTheirRoutesAnswer404() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let loop = try root.startLoop()
        defer { loop.stop() }
        #expect(root.wait(upTo: 30) { (try? root.request("GET", "/healthz"))?.status == 200 })
        let push = Self.githubPush(ref: "refs/heads/main", cloneURL: root.remotes["api"]!.path, fullName: "acme/api")
        let answer = try root.request(
            "POST", "/hooks/github",
            headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + Self.sign(push)], body: push)
        #expect(answer.status == 404)
        #expect(try root.request("POST", "/hooks/gitea", body: push).status == 404)
        #expect(
            try root.request("POST", "/api/v1/feedback", body: push).status == 404, "no feedback API without a token")
        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }

    @Test func aClientThatSendsItsRequestHeadOneByteAtATimeIsCutOffWhileOthersAreServed() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let loop = try root.startLoop()
        defer { loop.stop() }
        #expect(root.wait(upTo: 30) { (try? root.request("GET", "/healthz"))?.status == 200 })
        // A header line every 0.5 s for up to 25 s: each byte is activity, so only a limit on the whole head ends it.
        let script = """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.settimeout(0.5)
            s.sendall(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n")
            started = time.time()
            while time.time() - started < 25:
                try:
                    s.sendall(b"X-Slow: y\\r\\n")
                    if s.recv(1024) == b"":
                        break
                except socket.timeout:
                    continue
                except OSError:
                    break
            print("%.1f" % (time.time() - started))
            """
        let slow = try Shell.check(["python3", "-c", script, String(root.port)])
        let seconds = try #require(Double(slow))
        #expect(seconds >= 9 && seconds < 15, "cut off after the 10 s request-head limit, not later: \(seconds) s")
        #expect(try root.request("GET", "/healthz").status == 200, "others are served")
        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }

    @Test func theModelsTokensTheProposalsAndTheFixLedgerAreCountedFromTheAPIsUsage() async throws {
        let scratch = try ScratchDirectory(prefix: "e2e-http-tokens")
        defer { scratch.remove() }
        let server = try ChatCompletionsServer(key: TestSecrets.openAIKey, model: "e2e-model")
        defer { server.stop() }
        let answer = "The build fails at Svc.swift:1, but I have no diff to offer."
        try await server.script(.fix, [.content(answer)])
        let fixture = GitFixture(scratch: scratch)
        let root = scratch.appending("root")
        let remote = try fixture.makeRemote(
            "svc",
            files: [
                "Sources/Svc/Svc.swift": "let answer = 41\n",
                "build.sh": "echo 'Sources/Svc/Svc.swift:1:14: error: expected 42'\nexit 1\n",
            ])
        try fixture.clone(remote, as: "root/repos/svc")
        let manifest = #"{"repositories": [{"name": "svc", "url": "\#(remote.path)", "build": ["sh", "build.sh"], "test": ["true"]}]}"#
        try Data(manifest.utf8).write(to: root.appendingPathComponent("deployctl.json"))
        let port = try DeployedServiceFixture.freePort()
        let loop = try Deployctl.startWithoutTerminal(
            ["loop", "--root", root.path, "--interval", "3600", "--listen", "127.0.0.1:\(port)"],
            environment: [
                "DISPATCHER_USE_PRS": "0", "DISPATCHER_PROPOSE_FIXES": "1", "DISPATCHER_PROPOSE_ATTEMPTS": "1",
                "OPENAI_API_KEY": TestSecrets.openAIKey, "OPENAI_API_BASE": server.apiBase.absoluteString,
                "OPENAI_MODEL": "e2e-model", "DISPATCHER_MODEL_TIMEOUT": "20",
            ])
        defer { loop.stop() }
        var samples: [String: Double] = [:]
        let counted = Polling.wait(upTo: 60, every: 0.3) {
            guard let text = try? Shell.run(["curl", "-s", "http://127.0.0.1:\(port)/metrics"]).stdout,
                let parsed = try? PrometheusText.parse(text, scratch: scratch)
            else { return false }
            samples = parsed
            return parsed["deployctl_proposals_total{outcome=\"rejected\"}"] == 1
                && parsed["deployctl_fix_red_builds{repository=\"svc\"}"] == 1
        }
        #expect(counted, "\(samples)")
        let requests = try await server.report().requests.filter { $0.kind == "fix" }
        #expect(requests.count == 1)
        // The scripted endpoint says it used a token per 4 bytes of the request and of the answer.
        #expect(samples["deployctl_model_tokens_total{kind=\"prompt\"}"] == Double(requests.reduce(0) { $0 + $1.bytes / 4 }))
        #expect(samples["deployctl_model_tokens_total{kind=\"completion\"}"] == Double(answer.utf8.count / 4))
        // The fix ledger's figures: one red build, not fixed, the proposal's tokens.
        #expect(samples["deployctl_fix_fixed_red_builds{repository=\"svc\"}"] == 0)
        #expect(samples["deployctl_fix_applied{repository=\"svc\"}"] == 0)
        #expect(samples["deployctl_fix_tokens{kind=\"prompt\",repository=\"svc\"}"]
            == Double(requests.reduce(0) { $0 + $1.bytes / 4 }))
        #expect(samples["deployctl_fix_tokens{kind=\"completion\",repository=\"svc\"}"] == Double(answer.utf8.count / 4))
        loop.send(SIGTERM)
        #expect(loop.waitUntilExit() == 0)
    }

    @Test func aListenAddressThatIsNotHostAndPortIsAUsageError() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let result = try Deployctl.run(["loop", "--root", root.url.path, "--listen", "8080"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--listen: invalid value: found '8080'"), "\(result.stderr)")
        #expect(result.stderr.contains("HOST:PORT"), "\(result.stderr)")
    }
}

/// Prometheus' text format read by Prometheus' own Python client (`prometheus_client`, installed from PyPI into a
/// virtual environment the tests create once).
enum PrometheusText {
    /// Every sample, keyed `name{label="value",…}` (labels sorted), as the client parsed it.
    static func parse(_ text: String, scratch: ScratchDirectory) throws -> [String: Double] {
        let python = try PythonEnvironment.shared.python(with: ["prometheus_client"])
        let input = scratch.appending("metrics.txt")
        try text.write(to: input, atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            samples = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for sample in family.samples:
                    labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(sample.labels.items()))
                    samples[sample.name + ("{%s}" % labels if labels else "")] = sample.value
            print(json.dumps(samples))
            """
        let output = try Shell.check([python, "-c", script, input.path])
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double] ?? [:]
    }
}
