import DeployBuild
@testable import DeployCore
import DeployFeedback
import DeployTestSupport
import Foundation
import Testing

/// The fix ledger: what the store keeps of each fix, the figures drawn from it, and the rule that ends proposing
/// when attempts make no progress.
@Suite struct FixLedgerTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func fix(
        _ file: String, repository: String = "app", red: String? = "r1", outcome: FixRecord.Outcome,
        seconds: Double? = nil, tokens: (Int, Int) = (0, 0), cost: Double = 0, attempt: Int = 1,
        problems: Int? = nil, at offset: TimeInterval = 0
    ) -> FixRecord {
        FixRecord(
            file: file, id: file, repository: repository, source: FixRecord.Source(file: file), redCommit: red,
            attempt: attempt, promptTokens: tokens.0, completionTokens: tokens.1, cost: cost, outcome: outcome,
            commit: outcome == .applied ? "c-\(file)" : nil, secondsToGreen: seconds, problems: problems,
            createdAt: start.addingTimeInterval(offset), updatedAt: start.addingTimeInterval(offset))
    }

    @Test func aFileNameSaysWhereAFixCameFrom() {
        #expect(FixRecord.Source(file: "api-x.json") == .http)
        #expect(FixRecord.Source(file: "mcp-sha256-1.json") == .mcp)
        #expect(FixRecord.Source(file: "proposed-app-abc-1.json") == .proposal)
        #expect(FixRecord.Source(file: "fix-1.json") == .file)
    }

    @Test func theFiguresCountRedBuildsFixedRevertsTheMedianTimeToGreenTokensAndCost() {
        var reverted = Self.fix("proposed-app-r2-1.json", red: "r2", outcome: .applied, seconds: 30, tokens: (1_000, 200), cost: 0.5)
        reverted.reverted = "rolled back"
        let records = [
            Self.fix("proposed-app-r1-1.json", outcome: .rejected, tokens: (900, 100), cost: 0.25),
            Self.fix("mcp-a.json", outcome: .applied, seconds: 90),
            reverted,
            Self.fix("proposed-app-r3-1.json", red: "r3", outcome: .rejected, tokens: (500, 50), cost: 0.1),
            Self.fix("fix-1.json", red: nil, outcome: .applied, seconds: nil),
            Self.fix("api-b.json", repository: "web", red: "w1", outcome: .applied, seconds: 10),
        ]
        let report = FixLedgerReport(records)
        #expect(report.total.redBuilds == 4, "r1, r2, r3 of app and w1 of web")
        #expect(report.total.fixedRedBuilds == 3)
        #expect(report.total.fixRate == 0.75)
        #expect(report.total.applied == 4)
        #expect(report.total.reverted == 1)
        #expect(report.total.revertRate == 0.25)
        #expect(report.total.medianSecondsToGreen == 30, "of 10, 30 and 90")
        #expect(report.total.promptTokens == 2_400)
        #expect(report.total.completionTokens == 350)
        #expect(abs(report.total.cost - 0.85) < 1e-9)
        #expect(report.repositories["web"]?.fixRate == 1)
        #expect(report.repositories["app"]?.redBuilds == 3)
        #expect(report.sources["proposal"]?.redBuilds == 3 && report.sources["proposal"]?.fixedRedBuilds == 1)
        #expect(report.sources["mcp"]?.fixRate == 1 && report.sources["http"]?.applied == 1)
        #expect(report.sources["file"]?.redBuilds == 0 && report.sources["file"]?.applied == 1)
        #expect(report.total.line.hasPrefix("fixes: 3 of 4 red builds fixed (75%), 1 of 4 applied reverted, median 30s to green, 2750 tokens, cost 0.8500"))
        #expect(FixSummary([]).fixRate == nil && FixSummary([]).medianSecondsToGreen == nil)
    }

    @Test func theStoreKeepsWhatTheProposerWroteWhenTheFeedbackPathRecordsTheOutcomeAndSurvivesReopening() throws {
        try ScratchDirectory.withSync { scratch in
            let url = scratch.appending("deploy/state.sqlite")
            let store = try SQLiteStateStore(url: url)
            try store.saveFix(Self.fix("proposed-app-r1-1.json", outcome: .proposed, tokens: (1_200, 300), cost: 0.4))
            var outcome = Self.fix("proposed-app-r1-1.json", red: nil, outcome: .applied, seconds: 42, problems: 0)
            outcome.source = .file
            try store.recordFixOutcome(outcome)
            try store.recordFixOutcome(Self.fix("mcp-x.json", outcome: .rejected, problems: 3, at: 5))
            // The feedback path may record an outcome first (the loop took the file): the proposer's save keeps it.
            try store.recordFixOutcome(Self.fix("proposed-app-r1-2.json", red: nil, outcome: .rejected, problems: 2, at: 6))
            try store.saveFix(Self.fix("proposed-app-r1-2.json", outcome: .proposed, tokens: (10, 5), at: 6))

            let reopened = try SQLiteStateStore(url: url)
            let records = try reopened.fixes(repository: "app")
            #expect(records.map(\.file) == ["proposed-app-r1-1.json", "mcp-x.json", "proposed-app-r1-2.json"])
            #expect(records[2].outcome == .rejected && records[2].problems == 2 && records[2].promptTokens == 10)
            #expect(records[2].redCommit == "r1" && records[2].source == .proposal)
            let proposal = records[0]
            #expect(proposal.outcome == .applied && proposal.secondsToGreen == 42 && proposal.commit != nil)
            #expect(proposal.source == .proposal && proposal.redCommit == "r1", "the writer's fields are kept")
            #expect(proposal.promptTokens == 1_200 && proposal.completionTokens == 300 && proposal.cost == 0.4)
            #expect(records[1].problems == 3)

            #expect(try reopened.proposalTokens(repository: "app", redCommit: "r1", since: nil) == 1_515)
            #expect(try reopened.proposalTokens(repository: "app", redCommit: "r9", since: nil) == 0)
            #expect(try reopened.proposalTokens(repository: nil, redCommit: nil, since: Self.start.addingTimeInterval(7)) == 0)
            #expect(try reopened.proposalTokens(repository: nil, redCommit: nil, since: Self.start) == 1_515)

            #expect(try reopened.markFixesReverted(repository: "app", commit: "c-proposed-app-r1-1.json", reason: "rolled back") == 1)
            #expect(try reopened.markFixesReverted(repository: "app", commit: "c-proposed-app-r1-1.json", reason: "again") == 0)
            #expect(try reopened.fixes(repository: nil).first?.reverted == "rolled back")
        }
    }

    @Test func twoAttemptsInARowWithoutFewerProblemsEndProposing() {
        func attempts(_ problems: [Int?]) -> [FixRecord] {
            problems.enumerated().map { index, count in
                Self.fix("proposed-app-r1-\(index + 1).json", outcome: .rejected, attempt: index + 1, problems: count)
            }
        }
        // The red build had 3; each attempt left 3: no progress twice.
        #expect(ProposePhase.twoWithoutProgress(attempts([3, 3]), baseline: 3)?.0 == 3)
        // More problems than before is no progress either; an attempt refused before a build (nil) is not judged.
        #expect(ProposePhase.twoWithoutProgress(attempts([4, nil]), baseline: 3) == nil)
        let skipped = ProposePhase.twoWithoutProgress(attempts([4, nil, 5]), baseline: 3)
        #expect(skipped?.0 == 3 && skipped?.1 == [4, 5])
        // Fewer each time is progress.
        #expect(ProposePhase.twoWithoutProgress(attempts([2, 1]), baseline: 3) == nil)
        // Progress, then one attempt without: not yet two in a row.
        #expect(ProposePhase.twoWithoutProgress(attempts([3, 2, 2]), baseline: 3) == nil)
        // Progress then two without: stopped, counting from the attempt that made progress.
        let stopped = ProposePhase.twoWithoutProgress(attempts([2, 2, 5]), baseline: 3)
        #expect(stopped?.0 == 2 && stopped?.1 == [2, 5])
        // A failed rollout has no build to compare with: its first built attempt sets the baseline.
        #expect(ProposePhase.twoWithoutProgress(attempts([2, 2]), baseline: nil) == nil)
        #expect(ProposePhase.twoWithoutProgress(attempts([2, 2, 2]), baseline: nil)?.1 == [2, 2])
        #expect(ProposePhase.twoWithoutProgress(attempts([3]), baseline: 3) == nil)
    }

    @Test func aVerificationsProblemsAreItsDistinctErrorsAndFailedTests() throws {
        #expect(FixRecord.problems(in: FeedbackVerification(outcome: .passed)) == 0)
        #expect(FixRecord.problems(in: .skipped) == nil)
        let report = BuildLogAnalyzer.analyze(text: """
            /src/Sources/A/a.swift:1:1: error: first
            /src/Sources/A/a.swift:2:1: error: second
            /src/Sources/A/a.swift:1:1: error: first
            """)
        let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(report))
        #expect(FixRecord.problems(in: FeedbackVerification(outcome: .failed, report: json)) == 2)
    }
}
