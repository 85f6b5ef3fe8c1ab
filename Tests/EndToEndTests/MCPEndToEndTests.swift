import DeployTestSupport
import Foundation
import Testing

/// `deployctl mcp` driven by the official MCP Python client, as an agent's host drives it: the handshake, the
/// tools, a red build read through the report, the log and the files, a fix submitted that ends applied (verified in
/// the sandbox, committed, pushed) and a hostile one that ends rejected with its reason — without a loop (the
/// server processes the feedback itself under the root's lock) and while a loop runs (the loop takes it).
@Suite(.serialized) struct MCPEndToEndTests {
    /// A configured secret (`DISPATCHER_API_TOKEN`) that a committed file holds: an input, so not one of `TestSecrets`
    /// (the secret scan proves deployctl writes none of those; the file is the test's own).
    static let planted = "mcp-planted-api-token-51d2e8"
    static let source = "import Foundation\nlet greeting = missing  // TODO\nprint(greeting)\n"
    /// Red until `Sources/Svc/Svc.swift` says `fixed`; the error names the file and line as swiftc does.
    static let build = """
        grep -q fixed Sources/Svc/Svc.swift || { echo "$PWD/Sources/Svc/Svc.swift:2:16: error: cannot find 'missing' in scope"; exit 1; }
        echo built
        """
    static let fix = """
        diff --git a/Sources/Svc/Svc.swift b/Sources/Svc/Svc.swift
        --- a/Sources/Svc/Svc.swift
        +++ b/Sources/Svc/Svc.swift
        @@ -1,3 +1,3 @@
         import Foundation
        -let greeting = missing  // TODO
        +let greeting = "fixed"
         print(greeting)

        """
    static let hostile = """
        diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml
        new file mode 100644
        --- /dev/null
        +++ b/.github/workflows/ci.yml
        @@ -0,0 +1 @@
        +on: push

        """

    struct Root {
        let scratch: ScratchDirectory
        let fixture: GitFixture
        let remote: URL
        var url: URL { scratch.appending("root") }
        let environment: [String: String] = [
            "DISPATCHER_USE_PRS": "0", "GITHUB_TOKEN": TestSecrets.gitToken, "GIT_USER_NAME": "Deploy Bot",
            "DISPATCHER_API_TOKEN": MCPEndToEndTests.planted,
            "GIT_USER_EMAIL": "bot@example.com",
        ]

        /// A root whose one repository `svc` is red, built once by `run-once`; its code holds a configured secret
        /// (which an agent must never read back) and a committed symbolic link to a file outside it.
        init() throws {
            scratch = try ScratchDirectory(prefix: "e2e-mcp")
            fixture = GitFixture(scratch: scratch)
            remote = try fixture.makeRemote(
                "svc",
                files: [
                    "build.sh": MCPEndToEndTests.build, "Sources/Svc/Svc.swift": MCPEndToEndTests.source,
                    "Sources/Svc/Config.swift": "let token = \"\(MCPEndToEndTests.planted)\"\n", "README.md": "svc\n",
                ])
            let work = try fixture.clone(remote, as: "svc-link")
            try Shell.check(["ln", "-s", "/etc/passwd", "passwd"], in: work)
            try Shell.check(["git", "add", "passwd"], in: work)
            try Shell.check(["git", "commit", "--quiet", "-m", "a link out"], in: work)
            try Shell.check(["git", "push", "--quiet", "origin", "main"], in: work)
            try fixture.clone(remote, as: "root/repos/svc")
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent("feedback"), withIntermediateDirectories: true)
            let manifest = #"{"repositories": [{"name": "svc", "url": "\#(remote.path)", "build": ["sh", "build.sh"], "test": ["true"]}]}"#
            try Data(manifest.utf8).write(to: url.appendingPathComponent("deployctl.json"))
            let red = try Deployctl.run(["run-once", "--root", url.path], environment: environment)
            #expect(red.status == 1, "the first build is red: \(red.stderr)")
        }

        func session(_ calls: [(String, [String: Any])]) throws -> MCPAgentSession {
            try MCPAgentSession.run(root: url, calls: calls, environment: environment, scratch: scratch)
        }
    }

    @Test func anAgentReadsTheRedBuildAndItsFixIsVerifiedAndAppliedWhileAHostilePatchIsRejectedWithItsReason() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let session = try root.session([
            ("list_repositories", [:]),
            ("get_status", [:]),
            ("get_build_report", ["repository": "svc"]),
            ("read_log", ["repository": "svc", "tail": 20, "grep": "error:"]),
            ("read_file", ["repository": "svc", "path": "Sources/Svc/Svc.swift", "start_line": 2, "end_line": 3]),
            ("read_file", ["repository": "svc", "path": "Sources/Svc/Config.swift"]),
            ("read_file", ["repository": "svc", "path": "passwd"]),
            ("read_file", ["repository": "svc", "path": "../../dispatcher.env"]),
            ("read_file", ["repository": "svc", "path": ".git/config"]),
            ("read_file", ["repository": "../svc", "path": "README.md"]),
            ("read_log", ["repository": "svc", "tail": "all"]),
            ("read_log", ["repository": "svc", "lines": 3]),
            ("drop_database", [:]),
            ("submit_feedback", ["repository": "svc", "patch": Self.fix, "description": "Fix it", "dry_run": true]),
            ("submit_feedback", ["repository": "svc", "patch": Self.hostile, "description": "CI", "dry_run": true]),
            ("submit_feedback", ["repository": "svc", "patch": Self.fix, "description": "Fix it", "wait_seconds": 300]),
            ("submit_feedback", ["repository": "svc", "patch": Self.hostile, "description": "CI", "wait_seconds": 300]),
        ])
        let expected = Set([
            "list_repositories", "get_status", "get_build_report", "read_log", "read_file", "submit_feedback",
            "get_feedback",
        ])
        #expect(Set(session.tools.keys) == expected)
        #expect(session.tools["submit_feedback"] == ["description", "patch", "repository"])
        #expect(session.serverName == "deployctl")
        let results = session.results
        try #require(results.count == 17, "\(session.transcript)")
        func structured(_ index: Int) -> [String: Any] { results[index].structured ?? [:] }

        let repositories = structured(0)["repositories"] as? [[String: Any]] ?? []
        #expect(repositories.first?["name"] as? String == "svc")
        #expect(repositories.first?["lastResult"] as? String == "failed", "\(results[0].text)")
        #expect((structured(1)["repos"] as? [[String: Any]])?.count == 1, "get_status is status --json")

        let report = structured(2)
        let diagnostic = (report["diagnostics"] as? [[String: Any]])?.first ?? [:]
        #expect(diagnostic["file"] as? String == "Sources/Svc/Svc.swift", "\(results[2].text)")
        #expect(diagnostic["line"] as? Int == 2)
        #expect(diagnostic["column"] as? Int == 16)
        #expect(diagnostic["message"] as? String == "cannot find 'missing' in scope")
        let lines = (diagnostic["source"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(lines.contains("let greeting = missing  // TODO"), "the source around the error")

        let log = structured(3)["lines"] as? [String] ?? []
        #expect(log.count == 1 && log[0].contains("error: cannot find 'missing'"), "\(results[3].text)")
        #expect(structured(4)["text"] as? String == "let greeting = missing  // TODO\nprint(greeting)")
        #expect(structured(4)["totalLines"] as? Int == 3)
        #expect(structured(5)["text"] as? String == "let token = \"***\"", "a secret is redacted: \(results[5].text)")

        // Refusals are tool errors with the reason a person reads.
        let refusals: [(Int, String)] = [
            (6, "is a symbolic link"), (7, "must stay inside the repository"), (8, "out of .git/"),
            (9, "is not a repository name"), (10, "'tail' must be a whole number, found a string"),
            (11, "read_log takes no argument 'lines'"), (12, "there is no tool 'drop_database'"),
        ]
        for (index, reason) in refusals {
            #expect(results[index].isError, "\(results[index].name): \(results[index].text)")
            #expect(results[index].text.contains(reason), "\(results[index].name): \(results[index].text)")
        }

        #expect(structured(13)["verdict"] as? String == "would-apply", "\(results[13].text)")
        #expect(structured(13)["paths"] as? [String] == ["Sources/Svc/Svc.swift"])
        #expect(structured(14)["verdict"] as? String == "would-reject", "\(results[14].text)")
        #expect((structured(14)["reason"] as? String)?.contains(".github/workflows") == true, "\(results[14].text)")
        #expect(structured(14)["paths"] as? [String] == [".github/workflows/ci.yml"], "\(results[14].text)")

        let applied = structured(15)
        #expect(applied["state"] as? String == "applied", "\(results[15].text)\n\(session.serverLog)")
        let commit = try #require(applied["commit"] as? String, "\(results[15].text)")
        let pushed = try Shell.check(["git", "rev-parse", "main"], in: root.remote)
        #expect(pushed == commit, "the verified fix is the remote's main")
        #expect((applied["verification"] as? [String: Any])?["outcome"] as? String == "passed", "\(results[15].text)")
        let rejected = structured(16)
        #expect(rejected["state"] as? String == "rejected", "\(results[16].text)")
        #expect((rejected["reason"] as? String)?.contains(".github/workflows") == true, "\(results[16].text)")

        // The dry runs wrote nothing; the two submissions are the only files the server put in feedback/.
        let appliedFiles = try FileManager.default.contentsOfDirectory(atPath: root.url.appendingPathComponent("feedback/applied").path)
        #expect(appliedFiles.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".result.json") }.map { $0.hasPrefix("mcp-") } == [true])
        for secret in [TestSecrets.gitToken, Self.planted] {
            #expect(!session.transcript.contains(secret), "no secret in anything the agent read")
            #expect(!session.serverLog.contains(secret))
        }

        // The fix ledger measures the agent: one red build, fixed by its feedback; the refused one counted too.
        let status = try JSONSerialization.jsonObject(
            with: Data(try Deployctl.run(["status", "--root", root.url.path, "--json"]).stdout.utf8)) as? [String: Any]
        let agent = ((status?["fixes"] as? [String: Any])?["sources"] as? [String: Any])?["mcp"] as? [String: Any]
        #expect(agent?["redBuilds"] as? Int == 1 && agent?["fixedRedBuilds"] as? Int == 1, "\(agent ?? [:])")
        #expect(agent?["applied"] as? Int == 1 && agent?["attempts"] as? Int == 2)

        // get_feedback answers the same later, in a session of its own.
        let id = try #require(applied["id"] as? String)
        let later = try root.session([("get_feedback", ["id": id]), ("get_feedback", ["id": "no-such-id"])])
        #expect(later.results[0].structured?["state"] as? String == "applied")
        #expect(later.results[0].structured?["commit"] as? String == commit)
        #expect(later.results[1].isError && later.results[1].text.contains("no feedback with the id 'no-such-id'"))
    }

    @Test func whileALoopRunsTheLoopTakesTheAgentsFeedbackAndTheAnswerIsItsOutcome() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let loop = try Deployctl.startWithoutTerminal(
            ["loop", "--root", root.url.path, "--interval", "1"], environment: root.environment)
        defer { loop.stop() }
        #expect(Polling.wait(upTo: 30) {
            (try? Deployctl.run(["status", "--root", root.url.path, "--json"]).stdout.contains(#""running" : true"#)) == true
        })
        let session = try root.session([
            ("submit_feedback", ["repository": "svc", "patch": Self.fix, "description": "Fix it", "wait_seconds": 300]),
            ("submit_feedback", ["repository": "svc", "patch": Self.hostile, "description": "CI", "wait_seconds": 300]),
        ])
        let applied = session.results[0].structured ?? [:]
        #expect(applied["state"] as? String == "applied", "\(session.transcript)\n\(session.serverLog)")
        #expect(session.serverLog.contains("is taken by the dispatcher holding the root"), "\(session.serverLog)")
        #expect(session.results[1].structured?["state"] as? String == "rejected", "\(session.transcript)")
        let commit = try #require(applied["commit"] as? String)
        #expect(try Shell.check(["git", "rev-parse", "main"], in: root.remote) == commit)
    }
}
