import DeployTestSupport
import Foundation
import Testing

/// Proposed fixes through the built binary, against a local chat-completions server: a red repository becomes green
/// on the remote with exactly one commit, the failed proposals are in `feedback/rejected/` with their reasons, the
/// attempts are bounded, and the API key appears nowhere.
@Suite(.serialized) struct ProposalEndToEndTests {
    static let key = TestSecrets.openAIKey
    static let model = "e2e-model"
    static let budget = 20_000

    /// A diff that does not compile (the verification build must reject it).
    static let brokenDiff = """
        --- a/Sources/Svc/Answer.swift
        +++ b/Sources/Svc/Answer.swift
        @@ -1,3 +1,3 @@
         public func answer() -> Int {
        -    return 41
        +    return "forty-two"
         }

        """
    /// The fix.
    static let fixDiff = """
        --- a/Sources/Svc/Answer.swift
        +++ b/Sources/Svc/Answer.swift
        @@ -1,3 +1,3 @@
         public func answer() -> Int {
        -    return 41
        +    return 6 * 7
         }

        """

    func environment(_ server: ChatCompletionsServer, propose: Bool = true) -> [String: String] {
        [
            "DISPATCHER_USE_PRS": "0", "GIT_USER_NAME": "Deploy Bot", "GIT_USER_EMAIL": "bot@example.com",
            "DISPATCHER_PROPOSE_FIXES": propose ? "1" : "0", "DISPATCHER_PROPOSE_ATTEMPTS": "3",
            "OPENAI_API_KEY": Self.key, "OPENAI_API_BASE": server.apiBase.absoluteString, "OPENAI_MODEL": Self.model,
            "DISPATCHER_MODEL_TIMEOUT": "20", "DISPATCHER_PROPOSE_PROMPT_BYTES": String(Self.budget),
        ]
    }

    /// Every byte under `folder` (git objects are zlib-compressed: the key could hide there only in a file git
    /// stores, which would show up in the checkout and the feedback records too).
    static func filesContaining(_ needle: String, under folder: URL) -> [String] {
        var found: [String] = []
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let entry = walker?.nextObject() as? String {
            let url = folder.appendingPathComponent(entry)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            if data.range(of: Data(needle.utf8)) != nil { found.append(entry) }
        }
        return found
    }

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func aRedRepositoryIsFixedByTheThirdProposalWithOneCommitOnTheRemote() async throws {
        let scratch = try ScratchDirectory(prefix: "e2e-propose")
        defer { scratch.remove() }
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model, maxBytes: Self.budget)
        defer { server.stop() }
        let fixture = GitFixture(scratch: scratch)
        let root = scratch.appending("root")
        let remote = try fixture.makeRemote("svc", files: SwiftPackageFixture.files(name: "Svc", value: 41))
        try fixture.clone(remote, as: "root/repos/svc")
        let red = try Shell.check(["git", "rev-parse", "main"], in: remote)
        let short = String(red.prefix(12))
        try await server.script(
            .fix,
            [
                .status(429, headers: ["Retry-After": "1"], message: "Rate limit reached for requests"),
                .content("```diff\n\(Self.brokenDiff)```"),
                .content("The function should return the answer the test expects."),
                .content(
                    "The test expects 42; `answer()` returns 41.\n\n```diff\n\(Self.fixDiff)```\n\nThat fixes it."),
            ])
        try await server.script(
            .commit, [.content("Return the answer the tests expect\n\nanswer() returned 41; the test expects 42.")])

        // One cycle: red build, then three attempts; the third is verified and pushed.
        let cycle = try Deployctl.run(["run-once", "--root", root.path], environment: environment(server))
        #expect(cycle.status == 1, "the cycle's own build was red: \(cycle.stderr)")
        let feedback = root.appendingPathComponent("feedback")
        let rejected = feedback.appendingPathComponent("rejected")
        let first =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: rejected.appendingPathComponent("proposed-svc-\(short)-1.reason.json")))
            as? [String: Any]
        #expect(first?["stage"] as? String == "verify", "the diff that does not compile fails verification")
        #expect(first?["code"] as? String == "verification-failed")
        let second =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: rejected.appendingPathComponent("proposed-svc-\(short)-2.reason.json")))
            as? [String: Any]
        #expect(second?["stage"] as? String == "propose")
        #expect(second?["code"] as? String == "no-diff")
        #expect(
            FileManager.default.fileExists(
                atPath: feedback.appendingPathComponent("applied/proposed-svc-\(short)-3.json").path))
        let applied =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: feedback.appendingPathComponent("applied/proposed-svc-\(short)-3.result.json")))
            as? [String: Any]
        #expect((applied?["metadata"] as? [String: Any])?["model"] as? String == Self.model)
        #expect((applied?["metadata"] as? [String: Any])?["attempt"] as? Int == 3)

        // Exactly one commit on the remote, with the generated message and the feedback id.
        let tip = try Shell.check(["git", "rev-parse", "main"], in: remote)
        #expect(try Shell.check(["git", "rev-list", "--count", "\(red)..\(tip)"], in: remote) == "1")
        let message = try Shell.check(["git", "log", "-1", "--format=%B", tip], in: remote)
        #expect(message.hasPrefix("Return the answer the tests expect\n\nanswer() returned 41; the test expects 42."))
        #expect(message.contains("Feedback-Id: proposed-svc-\(short)-3"))
        #expect(try Shell.check(["git", "show", "\(tip):Sources/Svc/Answer.swift"], in: remote).contains("6 * 7"))

        // The requests: documented shapes, within the budget; each attempt told about the earlier rejections.
        let report = try await server.report()
        #expect(report.violations.isEmpty, "\(report.violations)")
        let fixes = report.requests.filter { $0.kind == "fix" }
        #expect(fixes.count == 4, "a 429, then three attempts")
        #expect(fixes.allSatisfy { $0.bytes <= Self.budget && $0.model == Self.model && $0.authorizationOK })
        #expect(fixes.first?.userText.contains("answerIsFortyTwo") == true)
        #expect(fixes.first?.userText.contains("return 41") == true, "the source is in the prompt")
        #expect(fixes[2].userText.contains("Attempt 1 (proposed-svc-\(short)-1.json) was rejected at stage verify"))
        #expect(fixes[2].userText.contains("cannot convert"), "the compile error of attempt 1 feeds attempt 2")
        #expect(fixes[3].userText.contains("Attempt 2 (proposed-svc-\(short)-2.json) was rejected at stage propose"))
        #expect(report.requests.filter { $0.kind == "commit" }.count == 1)
        #expect(report.requests.first { $0.kind == "commit" }?.userText.contains("+    return 6 * 7") == true)

        // status: the proposals for the red commit.
        let status = json(try Deployctl.run(["status", "--root", root.path, "--json"]).stdout)
        let repo = (status["repos"] as? [[String: Any]])?.first
        let proposals = repo?["proposals"] as? [String: Any]
        #expect(proposals?["attempts"] as? Int == 3)
        #expect(proposals?["fixed"] as? Bool == true)

        // The next cycle builds the published fix green.
        let green = try Deployctl.run(["run-once", "--root", root.path], environment: environment(server))
        #expect(green.status == 0, "the published fix builds green: \(green.stderr)")
        #expect(try await server.report().requests.filter { $0.kind == "fix" }.count == 4, "no more asking")

        for output in [cycle.stdout, cycle.stderr, green.stdout, green.stderr] {
            #expect(!output.contains(Self.key), "the key is never logged")
        }
        #expect(Self.filesContaining(Self.key, under: root).isEmpty, "the key is in no file of the root")
    }

    @Test func proposeOnDemandStopsAfterTheAttemptsAndStatusSaysSo() async throws {
        let scratch = try ScratchDirectory(prefix: "e2e-propose-cli")
        defer { scratch.remove() }
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model, maxBytes: Self.budget)
        defer { server.stop() }
        let fixture = GitFixture(scratch: scratch)
        let root = scratch.appending("root")
        let remote = try fixture.makeRemote("notes", files: ["notes.txt": "helo\n", "other.txt": "keep\n"])
        try fixture.clone(remote, as: "root/repos/notes")
        // A build that fails with one located error and needs no toolchain.
        let manifest = """
            {"repositories": [{"name": "notes", "url": "\(remote.path)",
              "build": ["sh", "-c", "echo \\"$PWD/notes.txt:1:1: error: 'helo' is misspelled\\"; exit 1"],
              "test": ["true"]}]}
            """
        try Data(manifest.utf8).write(to: root.appendingPathComponent("deployctl.json"))
        var environment = environment(server, propose: false)
        environment["DISPATCHER_PROPOSE_ATTEMPTS"] = "2"

        let red = try Deployctl.run(["run-once", "--root", root.path], environment: environment)
        #expect(red.status == 1, "\(red.stderr)")
        #expect(try await server.report().requests.isEmpty, "DISPATCHER_PROPOSE_FIXES=0 asks nothing")

        let otherDiff = "--- a/other.txt\n+++ b/other.txt\n@@ -1 +1 @@\n-keep\n+changed\n"
        try await server.script(.fix, [.content("```diff\n\(otherDiff)```"), .content("Just fix the spelling.")])
        let result = try Deployctl.run(
            ["apply-feedback", "--propose", "notes", "--root", root.path], environment: environment)
        #expect(result.status == 1, "no proposal was applied: \(result.stdout) \(result.stderr)")
        let commit = try Shell.check(["git", "rev-parse", "main"], in: remote)
        let short = String(commit.prefix(12))
        #expect(
            result.stdout.contains("proposed-notes-\(short)-1.json: rejected — propose: the diff touches other.txt"))
        #expect(
            result.stdout.contains(
                "proposed-notes-\(short)-2.json: rejected — propose: the answer holds no unified diff"))
        let reason =
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: root.appendingPathComponent("feedback/rejected/proposed-notes-\(short)-1.reason.json")))
            as? [String: Any]
        #expect(reason?["code"] as? String == "diff-outside-report")
        #expect(reason?["paths"] as? [String] == ["other.txt"])

        let report = try await server.report()
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.requests.count == 2)
        #expect(report.requests.first?.userText.contains("notes.txt:1:1: error: 'helo' is misspelled") == true)
        #expect(
            report.requests.last?.userText.contains("Attempt 1 (proposed-notes-\(short)-1.json) was rejected") == true)

        // status says deployctl stopped proposing for this commit; a cycle with proposals on asks nothing more.
        let statusJSON = json(try Deployctl.run(["status", "--root", root.path, "--json"]).stdout)
        let proposals = ((statusJSON["repos"] as? [[String: Any]])?.first)?["proposals"] as? [String: Any]
        #expect(proposals?["stopped"] as? Bool == true)
        #expect(proposals?["attempts"] as? Int == 2)
        #expect(proposals?["lastOutcome"] as? String == "rejected")
        let table = try Deployctl.run(["status", "--root", root.path], environment: ["NO_COLOR": "1"])
        #expect(table.stdout.contains("stopped proposing fixes after 2 attempts"), "\(table.stdout)")
        environment["DISPATCHER_PROPOSE_FIXES"] = "1"
        _ = try Deployctl.run(["run-once", "--root", root.path], environment: environment)
        #expect(try await server.report().requests.count == 2, "the attempts for this commit are used up")

        // Without a key, --propose is a usage error that names the variable, not a crash.
        environment["OPENAI_API_KEY"] = nil
        let noKey = try Deployctl.run(
            ["apply-feedback", "--propose", "notes", "--root", root.path], environment: environment)
        #expect(noKey.status == 2)
        #expect(noKey.stderr.contains("OPENAI_API_KEY"))
        for output in [red.stderr, result.stdout, result.stderr, table.stdout] {
            #expect(!output.contains(Self.key))
        }
        #expect(Self.filesContaining(Self.key, under: root).isEmpty)
    }
}
