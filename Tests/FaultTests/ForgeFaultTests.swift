import DeployBuild
import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Testing

/// The forge answers commit-status calls with 5xx, 429/403 with Retry-After: the cycle is never failed by it, the
/// problem is logged as a warning for the repository (with the status and the wait the forge asked for), a short
/// Retry-After is waited out, and the builds of every repository are recorded.
@Suite struct ForgeFaultTests {
    struct Setup {
        var root: FaultRoot
        let server: ForgeContractServer

        init(flavor: ForgeContractServer.Flavor = .github) throws {
            root = try FaultRoot(prefix: "forge-fault")
            server = try ForgeContractServer(flavor: flavor)
            try FileManager.default.createDirectory(
                at: root.scratch.appending("octo"), withIntermediateDirectories: true)
            try root.addRepository("app", declared: false)
            // The forge reads OWNER/NAME from the remote's path: move the remote under octo/.
            let remote = root.scratch.appending("octo/app.git")
            try FileManager.default.moveItem(at: root.scratch.appending("app.git"), to: remote)
            try Shell.check(["git", "remote", "set-url", "origin", remote.path], in: root.checkout("app"))
            try root.updateEntry("app") { entry in
                entry["url"] = remote.path
                entry["build"] = ["true"]
                entry["test"] = ["true"]
                entry["forge"] = flavor == .github ? "github" : "gitea"
                entry["forgeAPI"] = server.apiBase.absoluteString
            }
            try root.addRepository("other")
        }

        func cycle() async throws -> CycleReport {
            let dispatcher = try root.dispatcher(
                environment: ["GITHUB_TOKEN": server.token, "DISPATCHER_COMMIT_STATUS": "1"])
            return try await root.cycle(dispatcher)
        }

        func statusPosts() async throws -> [ForgeContractServer.Report.Request] {
            try await server.report().requests.filter { $0.method == "POST" && $0.path.contains("/statuses/") }
        }
    }

    enum Answer: String, CaseIterable, Sendable {
        case serverError, rateLimitedLong, forbiddenRetryAfter
    }

    @Test(arguments: Answer.allCases)
    func aFailingForgeIsAWarningAndTheCycleGoesOn(answer: Answer) async throws {
        let setup = try Setup()
        defer {
            setup.server.stop()
            setup.root.remove()
        }
        let injection: ForgeContractServer.Injection =
            switch answer {
            // 1 + 3 retries: the pending status is given up after the retries; the result status gets through.
            case .serverError: .init("POST", "*", status: 503, times: 4, json: #"{"message":"unavailable"}"#)
            case .rateLimitedLong:
                .init("POST", "*", status: 429, headers: ["Retry-After": "3600"], json: #"{"message":"slow down"}"#)
            case .forbiddenRetryAfter:
                .init(
                    "POST", "*", status: 403, headers: ["Retry-After": "3600"],
                    json: #"{"message":"You have exceeded a secondary rate limit"}"#)
            }
        try await setup.server.inject([injection])

        let report = try await setup.cycle()

        #expect(report.byName["app"]?.buildResult == .passed)
        #expect(report.byName["other"]?.buildResult == .passed)
        #expect(report.exitStatus == 0, "a forge problem never fails the cycle")
        let warnings = setup.root.log.messages(atLeast: .warning, repository: "app")
        let warning = try #require(warnings.first { $0.hasPrefix("commit status not posted") }, "\(warnings)")
        switch answer {
        case .serverError: #expect(warning.contains("503"), "\(warning)")
        case .rateLimitedLong, .forbiddenRetryAfter:
            #expect(warning.contains("rate limited"), "\(warning)")
            #expect(warning.contains("3600"), "\(warning)")
        }
        #expect(!warning.contains(setup.server.token))
        let posts = try await setup.statusPosts()
        #expect(posts.last?.status.map { (200..<300).contains($0) } == true, "the forge recovered for the next post")
        #expect(posts.last?.body.contains("\"success\"") == true)
    }

    @Test func aShortRetryAfterIsWaitedOutAndBothStatusesArePosted() async throws {
        let setup = try Setup(flavor: .gitea)
        defer {
            setup.server.stop()
            setup.root.remove()
        }
        try await setup.server.inject([
            .init("POST", "*", status: 429, headers: ["Retry-After": "1"], json: #"{"message":"slow down"}"#)
        ])

        let report = try await setup.cycle()

        #expect(report.byName["app"]?.buildResult == .passed)
        let posts = try await setup.statusPosts()
        #expect(posts.map(\.status) == [429, 201, 201] || posts.map(\.status) == [429, 200, 200], "\(posts.map(\.status))")
        #expect(setup.root.log.messages(atLeast: .warning, repository: "app").allSatisfy { !$0.contains("commit status") })
        let forgeReport = try await setup.server.report()
        #expect(forgeReport.violations.isEmpty, "\(forgeReport.violations)")
    }
}

extension ForgeFaultTests {
    /// The forge answers the pull-request creation with a body that is not JSON: the feedback file is reported with
    /// the forge's problem (not lost, not applied), and both repositories are still built in that cycle.
    @Test func malformedJSONFromTheForgeIsReportedForTheFeedbackAndTheCycleGoesOn() async throws {
        let setup = try Setup()
        defer {
            setup.server.stop()
            setup.root.remove()
        }
        try await setup.server.inject([.init("POST", "/repos/octo/app/pulls", status: 201, raw: "{\"number\": 1, <html>")])
        let feedback = setup.root.root.feedback
        try FileManager.default.createDirectory(at: feedback, withIntermediateDirectories: true)
        let patch = "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-hi\n+hello\n"
        let document: [String: Any] = [
            "version": 1, "id": "fb-malformed", "repo": "app", "description": "Greet", "patch": patch,
        ]
        try JSONSerialization.data(withJSONObject: document).write(to: feedback.appendingPathComponent("fb.json"))
        let dispatcher = try setup.root.dispatcher(
            environment: [
                "GITHUB_TOKEN": setup.server.token, "DISPATCHER_USE_PRS": "1", "DISPATCHER_VERIFY_FEEDBACK": "0",
            ])

        let report = try await dispatcher.runCycle(CycleOptions())

        #expect(report.byName["app"]?.buildResult == .passed)
        #expect(report.byName["other"]?.buildResult == .passed)
        let event = try #require(report.record.feedback.first, "the feedback file is reported")
        #expect(event.outcome == .deferred || event.outcome == .rejected, "\(event)")
        #expect(event.detail.contains("not the JSON the API describes"), "\(event.detail)")
        #expect(!event.detail.contains(setup.server.token))
        #expect(event.outcome != .applied)
    }
}
