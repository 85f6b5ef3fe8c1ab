import DeployBuild
@testable import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Testing

/// What an agent may read through ``AgentTools``, tried with arguments an attacker would write: every refusal is an
/// ``AgentToolError`` with a reason, and nothing outside the repository's committed files or the build's log is
/// ever read.
@Suite struct AgentToolsTests {
    /// A configured secret planted in the repository, its untracked files, the root and the log: an input here, so
    /// not one of `TestSecrets` (whose scan proves deployctl writes none of them anywhere).
    static let secret = "agent-tools-planted-secret-3f9b2c"

    /// A root with one repository `app` (a real git checkout) and a recorded red build whose log is `log`.
    struct Root {
        let scratch: ScratchDirectory
        let tools: AgentTools
        var url: URL { scratch.appending("root") }
        var logFile: URL { url.appendingPathComponent("deploy/logs/build-1.log") }

        init(log: String = "", logPath: String? = nil) throws {
            let scratch = try ScratchDirectory(prefix: "agent-tools")
            self.scratch = scratch
            let url = scratch.appending("root")
            let logFile = url.appendingPathComponent("deploy/logs/build-1.log")
            let fixture = GitFixture(scratch: scratch)
            let remote = try fixture.makeRemote(
                "app",
                files: [
                    "Sources/App/main.swift": (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n",
                    "Sources/App/Secret.swift": "let key = \"\(AgentToolsTests.secret)\"\n",
                    "big.txt": String(repeating: "x", count: (1 << 20) + 1), "binary.dat": "a\u{0}b",
                ])
            let work = try fixture.clone(remote, as: "app-links")
            try Shell.check(["ln", "-s", "/etc", "etc"], in: work)
            try Shell.check(["ln", "-s", "../../dispatcher.env", "env-link"], in: work)
            try Shell.check(["git", "add", "etc", "env-link"], in: work)
            try Shell.check(["git", "commit", "--quiet", "-m", "links"], in: work)
            try Shell.check(["git", "push", "--quiet", "origin", "main"], in: work)
            let checkout = try fixture.clone(remote, as: "root/repos/app")
            try Data("UNTRACKED=\(AgentToolsTests.secret)\n".utf8).write(to: checkout.appendingPathComponent(".env"))
            try Data("GITHUB_TOKEN=\(AgentToolsTests.secret)\n".utf8).write(to: url.appendingPathComponent("dispatcher.env"))
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent("deploy/logs"), withIntermediateDirectories: true)
            try Data(log.utf8).write(to: logFile)
            let store = try SQLiteStateStore(url: url.appendingPathComponent("deploy/state.sqlite"))
            let now = Date()
            let build = RepositoryCycleRecord(
                repository: "app", branch: "main", head: try Shell.check(["git", "rev-parse", "HEAD"], in: checkout),
                outcome: .built, buildResult: .failed, startedAt: now, finishedAt: now, errors: 1,
                log: logPath ?? logFile.path)
            try store.record(
                CycleRecord(
                    startedAt: now, finishedAt: now, trigger: .runOnce, result: .failed, repositories: [build],
                    feedback: [], log: nil),
                states: [RepositoryState(repository: "app", latest: build, lastBuild: build, consecutiveFailures: 1)])
            var configuration = DispatcherConfiguration()
            configuration.githubToken = Secret(AgentToolsTests.secret)
            tools = AgentTools(root: DeployRoot(url: url), configuration: configuration, logger: .init(label: "test"))
        }
    }

    func refusal(_ body: () throws(AgentToolError) -> Any) -> String {
        do {
            _ = try body()
            return "no refusal"
        } catch {
            return error.description
        }
    }

    @Test func aFileIsReadAsCommittedWithItsSecretsRedactedWithinTheLinesAsked() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let excerpt = try root.tools.readFile(repository: "app", path: "Sources/App/main.swift", startLine: 29, endLine: 99)
        #expect(excerpt.text == "line 29\nline 30" && excerpt.startLine == 29 && excerpt.endLine == 30)
        #expect(excerpt.totalLines == 30 && !excerpt.truncated)
        let first = try root.tools.readFile(repository: "app", path: "./Sources//App/main.swift", startLine: nil, endLine: 2)
        #expect(first.path == "Sources/App/main.swift" && first.text == "line 1\nline 2" && first.truncated)
        #expect(try root.tools.readFile(repository: "app", path: "Sources/App/Secret.swift", startLine: nil, endLine: nil).text
            == "let key = \"***\"")
    }

    @Test(arguments: [
        ("/etc/passwd", "relative to the repository"),
        ("../../dispatcher.env", "must stay inside the repository"),
        ("Sources/../../x", "must stay inside the repository"),
        (".git/config", "out of .git/"),
        (".GIT/config", "out of .git/"),
        (".build/debug/app", "out of .git/ and .build/"),
        ("", "relative to the repository"),
        ("Sources/App/main.swift\u{0}", "must stay inside the repository"),
        ("etc/passwd", "has no file 'etc/passwd'"),
        ("env-link", "is a symbolic link"),
        (".env", "has no file '.env'"),
        ("big.txt", "read_file reads files of at most 1048576 bytes"),
        ("binary.dat", "is not UTF-8 text"),
        ("Sources/App", "is not a file"),
    ])
    func aPathThatLeavesTheCommittedTreeIsRefusedWithItsReason(path: String, reason: String) throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let text = refusal { () throws(AgentToolError) in
            try root.tools.readFile(repository: "app", path: path, startLine: nil, endLine: nil)
        }
        #expect(text.contains(reason), "\(path.debugDescription): \(text)")
        #expect(!text.contains(AgentToolsTests.secret))
    }

    @Test func badLinesAndRepositoriesAreRefused() throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let cases: [(String, () throws(AgentToolError) -> Any)] = [
            ("start_line must be 1 or more", { () throws(AgentToolError) in try root.tools.readFile(repository: "app", path: "big.txt", startLine: 0, endLine: nil) }),
            ("end_line must be at least", { () throws(AgentToolError) in try root.tools.readFile(repository: "app", path: "Sources/App/main.swift", startLine: 5, endLine: 4) }),
            ("past its end", { () throws(AgentToolError) in try root.tools.readFile(repository: "app", path: "Sources/App/main.swift", startLine: 31, endLine: nil) }),
            ("is not a repository name", { () throws(AgentToolError) in try root.tools.readFile(repository: "../app", path: "x", startLine: nil, endLine: nil) }),
            ("has no repository 'web' (it has: app)", { () throws(AgentToolError) in try root.tools.buildReport(repository: "web") }),
        ]
        for (reason, call) in cases {
            let text = refusal(call)
            #expect(text.contains(reason), "\(reason): \(text)")
        }
    }

    @Test func theLogIsReadBoundedFilteredAndRedacted() throws {
        let lines = (1...5_000).map { $0 % 1000 == 0 ? "\u{1B}[31merror: number \($0)\u{1B}[0m" : "line \($0) \(AgentToolsTests.secret)" }
        let root = try Root(log: lines.joined(separator: "\r\n") + "\r\n")
        defer { root.scratch.remove() }
        let tail = try root.tools.readLog(repository: "app", tail: 3, grep: nil)
        #expect(tail.lines == ["line 4998 ***", "line 4999 ***", "error: number 5000"], "colours and CRLF removed")
        #expect(tail.linesRead == 5_000 && tail.truncated)
        let errors = try root.tools.readLog(repository: "app", tail: nil, grep: "error:")
        #expect(errors.lines.count == 5 && errors.lines.first == "error: number 1000" && !errors.truncated)
        #expect(refusal { () throws(AgentToolError) in try root.tools.readLog(repository: "app", tail: 0, grep: nil) }
            .contains("tail must be between 1 and 2000, found 0"))
        #expect(refusal { () throws(AgentToolError) in try root.tools.readLog(repository: "app", tail: 2001, grep: nil) }
            .contains("found 2001"))
        #expect(refusal { () throws(AgentToolError) in try root.tools.readLog(repository: "app", tail: nil, grep: "") }
            .contains("grep must be 1–1000 bytes"))
    }

    @Test func aLogRecordPointingOutsideTheRootsLogsIsNotFollowed() throws {
        let root = try Root(logPath: "/etc/passwd")
        defer { root.scratch.remove() }
        let text = refusal { () throws(AgentToolError) in try root.tools.readLog(repository: "app", tail: nil, grep: nil) }
        #expect(text.contains("is no longer there"), "\(text)")
        let report = refusal { () throws(AgentToolError) in try root.tools.buildReport(repository: "app") }
        #expect(report.contains("is no longer there"), "\(report)")
    }

    @Test func theBuildReportPlacesEachDiagnosticInTheRepositoryWithTheSourceAroundIt() throws {
        let root = try Root(log: "placeholder")
        defer { root.scratch.remove() }
        let checkout = root.url.appendingPathComponent("repos/app").path
        try Data("""
            \(checkout)/Sources/App/main.swift:3:7: error: cannot find 'x' in scope \(AgentToolsTests.secret)
            /elsewhere/Other.swift:1:1: warning: outside
            """.utf8).write(to: root.logFile)
        let report = try root.tools.buildReport(repository: "app")
        let error = try #require(report.diagnostics.first)
        #expect(error.file == "Sources/App/main.swift" && error.line == 3 && error.column == 7)
        #expect(error.message == "cannot find 'x' in scope ***")
        #expect(error.source?.map(\.number) == Array(1...7))
        #expect(error.source?.first { $0.number == 3 }?.text == "line 3")
        #expect(report.diagnostics.last?.file == "/elsewhere/Other.swift" && report.diagnostics.last?.source == nil)
        #expect(report.log == "deploy/logs/build-1.log" && report.result == .failed)
    }

    @Test func aSubmissionIsRefusedBeforeAnythingIsWrittenWhenItsArgumentsAreBad() async throws {
        let root = try Root()
        defer { root.scratch.remove() }
        let feedback = root.url.appendingPathComponent("feedback")
        for (repository, patch, wait, reason) in [
            ("web", "diff", 0.0, "has no repository 'web'"), ("app", "", 0, "empty-patch"),
            ("app", "p", -1, "wait_seconds must be between 0 and 3600"), ("app", "p", 99_999, "found 99999"),
            ("app", String(repeating: "+", count: 9 << 20), 0, "file-too-large"),
        ] {
            do {
                _ = try await root.tools.submitFeedback(repository: repository, patch: patch, description: "d", waitSeconds: wait)
                Issue.record("accepted \(repository) \(patch.prefix(10)) \(wait)")
            } catch {
                #expect(error.description.contains(reason), "\(error.description)")
            }
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: feedback.path)) ?? []).isEmpty)
        #expect(refusal { () throws(AgentToolError) in try root.tools.feedback(id: "../x") }.contains("is not a feedback id"))
    }
}
