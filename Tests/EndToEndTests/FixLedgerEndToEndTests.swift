import DeployTestSupport
import Foundation
import Testing

/// The fix ledger through the built binary and a scripted model server: the tokens and cost of each proposal as the
/// server's `usage` said, the figures in `status`, the budgets and the no-progress rule that stop proposing (with
/// the reason recorded), and a ledger that survives a killed dispatcher.
@Suite(.serialized) struct FixLedgerEndToEndTests {
    static let key = TestSecrets.openAIKey
    static let model = "ledger-model"
    /// Red until `notes.txt` says `hello`; one located error, no toolchain needed.
    static let build = #"grep -q hello notes.txt || { echo "$PWD/notes.txt:1:1: error: 'helo' is misspelled"; exit 1; }"#
    static func answer(_ replacement: String) -> String {
        "```diff\n--- a/notes.txt\n+++ b/notes.txt\n@@ -1 +1 @@\n-helo\n+\(replacement)\n```\n"
    }

    struct Root {
        let scratch: ScratchDirectory
        let remote: URL
        let fixture: GitFixture
        let server: ChatCompletionsServer
        var url: URL { scratch.appending("root") }

        init() throws {
            scratch = try ScratchDirectory(prefix: "e2e-ledger")
            server = try ChatCompletionsServer(key: FixLedgerEndToEndTests.key, model: FixLedgerEndToEndTests.model)
            fixture = GitFixture(scratch: scratch)
            remote = try fixture.makeRemote(
                "notes", files: ["notes.txt": "helo\n", "build.sh": FixLedgerEndToEndTests.build + "\n"])
            try fixture.clone(remote, as: "root/repos/notes")
            let manifest = #"{"repositories": [{"name": "notes", "url": "\#(remote.path)", "build": ["sh", "build.sh"], "test": ["true"]}]}"#
            try Data(manifest.utf8).write(to: url.appendingPathComponent("deployctl.json"))
        }

        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            [
                "DISPATCHER_USE_PRS": "0", "GIT_USER_NAME": "Deploy Bot", "GIT_USER_EMAIL": "bot@example.com",
                "DISPATCHER_PROPOSE_FIXES": "1", "DISPATCHER_PROPOSE_ATTEMPTS": "4",
                "OPENAI_API_KEY": FixLedgerEndToEndTests.key, "OPENAI_API_BASE": server.apiBase.absoluteString,
                "OPENAI_MODEL": FixLedgerEndToEndTests.model, "DISPATCHER_MODEL_TIMEOUT": "20",
            ].merging(extra) { $1 }
        }

        func status() throws -> [String: Any] {
            let output = try Deployctl.run(["status", "--root", url.path, "--json"]).stdout
            return (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]) ?? [:]
        }

        func remove() {
            server.stop()
            scratch.remove()
        }
    }

    static func total(_ status: [String: Any]) -> [String: Any] {
        ((status["fixes"] as? [String: Any])?["total"] as? [String: Any]) ?? [:]
    }

    static func proposals(_ status: [String: Any]) -> [String: Any] {
        ((status["repos"] as? [[String: Any]])?.first?["proposals"] as? [String: Any]) ?? [:]
    }

    @Test func eachProposalsTokensAndCostAreTheServersUsageAndTheFiguresSayTheRedBuildWasFixed() async throws {
        let root = try Root()
        defer { root.remove() }
        try await root.server.script(.fix, [
            .content(Self.answer("heloo"), usage: (prompt: 1_000, completion: 200)),
            .content(Self.answer("hello"), usage: (prompt: 1_500, completion: 300)),
        ])
        let cycle = try Deployctl.run(
            ["run-once", "--root", root.url.path],
            environment: root.environment(["DISPATCHER_MODEL_PRICE_PROMPT": "2", "DISPATCHER_MODEL_PRICE_COMPLETION": "8"]))
        #expect(cycle.status == 1, "the cycle's own build was red: \(cycle.stderr)")

        let total = Self.total(try root.status())
        #expect(total["redBuilds"] as? Int == 1 && total["fixedRedBuilds"] as? Int == 1, "\(total)")
        #expect(total["fixRate"] as? Double == 1)
        #expect(total["applied"] as? Int == 1 && total["reverted"] as? Int == 0 && total["attempts"] as? Int == 2)
        #expect(total["promptTokens"] as? Int == 2_500 && total["completionTokens"] as? Int == 500)
        // (2,500 × 2 + 500 × 8) / 1,000,000
        #expect(abs((total["cost"] as? Double ?? 0) - 0.009) < 1e-12, "\(total)")
        #expect((total["medianSecondsToGreen"] as? Double ?? -1) >= 0)

        let commit = try Shell.check(["git", "rev-parse", "main~1"], in: root.remote)
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: root.url.appendingPathComponent(
            "feedback/applied/proposed-notes-\(commit.prefix(12))-2.result.json"))) as? [String: Any]
        let metadata = result?["metadata"] as? [String: Any]
        #expect(metadata?["tokens"] as? [String: Int] == ["prompt": 1_500, "completion": 300], "\(metadata ?? [:])")
        #expect(abs((metadata?["cost"] as? Double ?? 0) - 0.0054) < 1e-12)
        #expect((result?["description"] as? String)?.contains("Model usage: 1500 prompt + 300 completion tokens (cost 0.0054).") == true)

        let text = try Deployctl.run(["status", "--root", root.url.path]).stdout
        #expect(text.contains("fixes: 1 of 1 red builds fixed (100%), 0 of 1 applied reverted, median "), "\(text)")

        // A person reverts the fix (`git revert`): the next cycle marks it in the ledger.
        let fix = try Shell.check(["git", "rev-parse", "main"], in: root.remote)
        let work = try root.fixture.clone(root.remote, as: "revert")
        try Shell.check(["git", "revert", "--no-edit", fix], in: work)
        try Shell.check(["git", "push", "--quiet", "origin", "main"], in: work)
        _ = try Deployctl.run(["run-once", "--root", root.url.path], environment: root.environment(["DISPATCHER_PROPOSE_FIXES": "0"]))
        let reverted = Self.total(try root.status())
        #expect(reverted["reverted"] as? Int == 1 && reverted["revertRate"] as? Double == 1, "\(reverted)")
    }

    @Test func theTokenBudgetsStopProposingWithTheirReasonRecorded() async throws {
        let root = try Root()
        defer { root.remove() }
        try await root.server.script(.fix, [.content(Self.answer("heloo"), usage: (prompt: 900, completion: 200))])
        let first = try Deployctl.run(
            ["run-once", "--root", root.url.path], environment: root.environment(["DISPATCHER_PROPOSE_MAX_TOKENS": "1000"]))
        #expect(first.status == 1)
        var proposals = Self.proposals(try root.status())
        #expect(proposals["lastOutcome"] as? String == "stopped", "\(proposals)")
        #expect((proposals["lastDetail"] as? String)?.contains("1100 of 1000 tokens, DISPATCHER_PROPOSE_MAX_TOKENS") == true)
        #expect(proposals["stopped"] as? Bool == true)
        #expect(try await root.server.report().requests.filter { $0.kind == "fix" }.count == 1)

        // A new red commit: its own budget is untouched, but the root's daily budget is spent.
        try root.fixture.pushCommit(to: root.remote, files: ["notes.txt": "helo\n", "more.txt": "x\n"])
        let second = try Deployctl.run(
            ["run-once", "--root", root.url.path],
            environment: root.environment(["DISPATCHER_PROPOSE_MAX_TOKENS": "1000", "DISPATCHER_PROPOSE_DAILY_TOKENS": "1000"]))
        #expect(second.status == 1)
        proposals = Self.proposals(try root.status())
        #expect((proposals["lastDetail"] as? String)?.contains("the daily token budget is spent (1100 of 1000") == true, "\(proposals)")
        #expect(try await root.server.report().requests.filter { $0.kind == "fix" }.count == 1, "nothing more was asked")
        let text = try Deployctl.run(["status", "--root", root.url.path]).stdout
        #expect(text.contains("stopped proposing fixes: the daily token budget is spent"), "\(text)")
    }

    @Test func twoAttemptsWithoutProgressEndProposingForThatCommit() async throws {
        let root = try Root()
        defer { root.remove() }
        try await root.server.script(.fix, [
            .content(Self.answer("heloo")), .content(Self.answer("hel lo")), .content(Self.answer("hello")),
        ])
        let cycle = try Deployctl.run(["run-once", "--root", root.url.path], environment: root.environment())
        #expect(cycle.status == 1)
        let proposals = Self.proposals(try root.status())
        #expect(proposals["lastOutcome"] as? String == "stopped", "\(proposals)")
        #expect((proposals["lastDetail"] as? String)?.contains(
            "the last two attempts made no progress (1 distinct errors and failed tests, then 1, then 1)") == true,
            "\(proposals)")
        #expect(try await root.server.report().requests.filter { $0.kind == "fix" }.count == 2, "the third was never asked")
        // The next cycle does not ask again for the same red commit.
        _ = try Deployctl.run(["run-once", "--root", root.url.path], environment: root.environment())
        #expect(try await root.server.report().requests.filter { $0.kind == "fix" }.count == 2)
    }

    /// A fix that its verification found green but whose commit builds red in the cycle (the build reads a file
    /// outside the tree, which the verification sandbox hides): that red commit gets one further proposal, and the
    /// red commit of that one none.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap"), "needs the bubblewrap sandbox"))
    func aRedCommitThatAProposalMadeGetsOneFurtherProposalAndItsFixNone() async throws {
        let root = try Root()
        defer { root.remove() }
        let marker = root.scratch.appending("outside-the-tree")
        try Data().write(to: marker)
        let build = Self.build + "\n" + #"[ -e "\#(marker.path)" ] && { echo "$PWD/notes.txt:1:1: error: red outside the sandbox"; exit 1; }"#
            + "\nexit 0\n"
        try root.fixture.pushCommit(to: root.remote, files: ["build.sh": build])
        func answer(_ from: String, _ to: String) -> ChatCompletionsServer.Reply {
            .content("```diff\n--- a/notes.txt\n+++ b/notes.txt\n@@ -1 +1 @@\n-\(from)\n+\(to)\n```\n")
        }
        try await root.server.script(.fix, [answer("helo", "hello"), answer("hello", "hello again")])
        for _ in 0..<3 {
            _ = try Deployctl.run(["run-once", "--root", root.url.path], environment: root.environment())
        }
        #expect(
            try await root.server.report().requests.filter { $0.kind == "fix" }.count == 2,
            "the first red commit and the proposal's own red commit, once each")
        let proposals = Self.proposals(try root.status())
        #expect(proposals["lastOutcome"] as? String == "stopped", "\(proposals)")
        #expect((proposals["lastDetail"] as? String)?.contains("a fix's fix gets no further proposal") == true, "\(proposals)")
        #expect(Self.total(try root.status())["applied"] as? Int == 2)
    }

    @Test func theLedgerSurvivesAKilledDispatcher() async throws {
        let root = try Root()
        defer { root.remove() }
        try await root.server.script(.fix, [
            .content(Self.answer("heloo"), usage: (prompt: 700, completion: 70)), .hang(seconds: 60),
        ])
        let run = try Deployctl.startWithoutTerminal(["run-once", "--root", root.url.path], environment: root.environment())
        let recorded = Polling.wait(upTo: 60) {
            (try? root.status()).map { Self.total($0)["attempts"] as? Int == 1 } ?? false
        }
        #expect(recorded, "the first attempt is in the ledger")
        var asked = 0
        for _ in 0..<150 where asked < 2 {
            asked = try await root.server.report().requests.filter { $0.kind == "fix" }.count
            if asked < 2 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(asked == 2, "the second attempt is waiting on the model")
        run.send(SIGKILL)
        _ = run.waitUntilExit()
        let total = Self.total(try root.status())
        #expect(total["attempts"] as? Int == 1 && total["promptTokens"] as? Int == 700, "\(total)")
        #expect(total["completionTokens"] as? Int == 70 && total["redBuilds"] as? Int == 1)
    }
}
