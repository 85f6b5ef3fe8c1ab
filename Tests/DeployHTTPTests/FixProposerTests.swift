import DeployBuild
import DeployFeedback
import DeployHTTP
import DeployTestSupport
import Foundation
import Testing

/// One attempt end to end against the local chat-completions server: the feedback file, or the rejection record.
@Suite struct FixProposerTests {
    static let key = TestSecrets.openAIKey
    static let model = "test-model-2"
    static let commit = "89abcdef0123456789abcdef0123456789abcdef"
    static let fix = """
        --- a/Sources/Svc/Answer.swift
        +++ b/Sources/Svc/Answer.swift
        @@ -1,3 +1,3 @@
         public func answer() -> Int {
        -    return 41
        +    return 42
         }

        """

    struct Setup {
        let scratch: ScratchDirectory
        let server: ChatCompletionsServer
        let proposer: FixProposer
        let request: FixRequest
        var feedback: URL { scratch.appending("feedback") }
    }

    func setUp(budget: Int = 16 * 1024, timeout: Duration = .seconds(10)) throws -> Setup {
        let scratch = try ScratchDirectory(prefix: "proposer")
        let folder = scratch.appending("repos/svc")
        try GitFixture(scratch: scratch).write(SwiftPackageFixture.files(name: "Svc", value: 41), in: folder)
        let server = try ChatCompletionsServer(key: Self.key, model: Self.model, maxBytes: budget)
        let client = ChatCompletionsClient(
            baseURL: server.apiBase, apiKey: Self.key,
            options: ChatCompletionsClient.Options(model: Self.model, timeout: timeout, sleep: { _ in }))
        let report = BuildReport(
            tests: .init(
                passed: 0, failed: 1, skipped: 0,
                failures: [
                    .init(
                        suite: nil, name: "answerIsFortyTwo()", file: "AnswerTests.swift", line: 5,
                        message: "Expectation failed", framework: "swift-testing")
                ]))
        let request = FixRequest(
            repository: FeedbackRepository(name: "svc", directory: folder), commit: Self.commit, report: report,
            log: "deploy/logs/cycle.log")
        return Setup(
            scratch: scratch, server: server,
            proposer: FixProposer(
                client: client, feedbackDirectory: scratch.appending("feedback"), promptBudget: budget),
            request: request)
    }

    /// Every file under `folder`, read as text.
    func allText(_ folder: URL) -> String {
        var text = ""
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let entry = walker?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(entry).path) {
                text += String(decoding: data, as: UTF8.self)
            }
        }
        return text
    }

    @Test func aFencedDiffBecomesAPendingFeedbackFileNamingTheModelTheReportAndTheAttempt() async throws {
        let setup = try setUp()
        defer {
            setup.server.stop()
            setup.scratch.remove()
        }
        try await setup.server.script(.fix, [.content("The test wants 42.\n\n```diff\n\(Self.fix)```\nDone.")])
        let proposal = await setup.proposer.propose(setup.request)
        guard case .written(let url) = proposal.outcome else {
            Issue.record("expected a written file, got \(proposal.outcome)")
            return
        }
        #expect(url.lastPathComponent == "proposed-svc-89abcdef0123-1.json")
        #expect(url.deletingLastPathComponent().standardizedFileURL == setup.feedback.standardizedFileURL)
        let document = try FeedbackDocument.parse(try Data(contentsOf: url))
        #expect(document.version == 1)
        #expect(document.id == "proposed-svc-89abcdef0123-1")
        #expect(document.repository == "svc")
        #expect(document.base == Self.commit)
        #expect(document.patch == "diff --git a/Sources/Svc/Answer.swift b/Sources/Svc/Answer.swift\n" + Self.fix)
        #expect(document.metadata["model"] == .string(Self.model))
        #expect(document.metadata["attempt"] == .number(1))
        #expect(document.metadata["report"] == .string("deploy/logs/cycle.log"))
        let report = try await setup.server.report()
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.requests.first.map { $0.bytes <= 16 * 1024 } == true)
        #expect(!allText(setup.scratch.url).contains(Self.key), "the key is in no file")
    }

    @Test func notADiffIsRecordedInRejectedWithItsReason() async throws {
        let setup = try setUp()
        defer {
            setup.server.stop()
            setup.scratch.remove()
        }
        try await setup.server.script(.fix, [.content("You should return 42 instead of 41.")])
        let proposal = await setup.proposer.propose(setup.request)
        guard case .rejected(let rejection, let file) = proposal.outcome else {
            Issue.record("expected a rejection, got \(proposal.outcome)")
            return
        }
        #expect(rejection.code == .noDiff)
        #expect(rejection.stage == .propose)
        #expect(file.path.hasSuffix("feedback/rejected/proposed-svc-89abcdef0123-1.json"))
        let reason = setup.feedback.appendingPathComponent("rejected/proposed-svc-89abcdef0123-1.reason.json")
        #expect(FileManager.default.fileExists(atPath: reason.path))
        #expect(try FeedbackInbox(directory: setup.feedback).pendingFiles().isEmpty)
        let previous = try #require(
            PreviousProposal.load(
                file: "proposed-svc-89abcdef0123-1.json", attempt: 1, inbox: FeedbackInbox(directory: setup.feedback)))
        #expect(previous.code == "no-diff")
        #expect(previous.patch == "You should return 42 instead of 41.")
        #expect(!allText(setup.scratch.url).contains(Self.key))
    }

    @Test func aDiffForFilesOutsideTheReportIsRejected() async throws {
        let setup = try setUp()
        defer {
            setup.server.stop()
            setup.scratch.remove()
        }
        let other = Self.fix.replacingOccurrences(of: "Sources/Svc/Answer.swift", with: "Package.swift")
        try await setup.server.script(.fix, [.content("```diff\n\(other)```")])
        let proposal = await setup.proposer.propose(setup.request)
        guard case .rejected(let rejection, _) = proposal.outcome else {
            Issue.record("expected a rejection, got \(proposal.outcome)")
            return
        }
        #expect(rejection.code == .diffOutsideReport)
        #expect(rejection.paths == ["Package.swift"])
    }

    @Test func aHangingEndpointFailsTheAttemptAndWritesNothing() async throws {
        let setup = try setUp(timeout: .seconds(1))
        defer {
            setup.server.stop()
            setup.scratch.remove()
        }
        try await setup.server.script(.fix, [.hang(seconds: 20)])
        let proposal = await setup.proposer.propose(setup.request)
        guard case .failed(let error) = proposal.outcome else {
            Issue.record("expected a failure, got \(proposal.outcome)")
            return
        }
        #expect(error.code == .model)
        #expect(error.message.hasPrefix("timed-out: POST "), "the transport's code leads the message: \(error)")
        #expect(!error.description.contains(Self.key))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: setup.feedback.path)) ?? []
        #expect(names.filter { $0.hasSuffix(".json") }.isEmpty)
    }
}
