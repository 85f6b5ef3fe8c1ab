import DeployBuild
import DeployTestSupport
import Foundation
import GRDB
import Testing

@testable import DeployCore

/// The spellings the state store, `status --json` and the cycle summary use for every outcome, result, trigger and
/// phase. They are stored (`deploy/state.sqlite`) and documented (docs/status.md), so they never change: each enum's
/// cases are listed here with their spelling, and a new case fails until it is pinned too.
@Suite struct RecordSpellingTests {
    @Test func buildResultsKeepTheirSpellings() throws {
        try pinSpellings(RecordedBuildResult.self, [
            .passed: "passed", .failed: "failed", .flaky: "flaky", .timedOut: "timedOut",
            .cancelled: "cancelled", .skipped: "skipped",
        ])
    }

    @Test func repositoryOutcomesKeepTheirSpellings() throws {
        try pinSpellings(RepositoryCycleRecord.Outcome.self, [
            .built: "built", .unchanged: "unchanged", .updateFailed: "updateFailed",
            .backingOff: "backingOff", .superseded: "superseded",
        ])
    }

    @Test func cycleResultsKeepTheirSpellings() throws {
        try pinSpellings(CycleRecord.Result.self, [
            .passed: "passed", .failed: "failed", .infrastructure: "infrastructure",
            .cancelled: "cancelled",
        ])
    }

    @Test func cycleTriggersKeepTheirSpellings() throws {
        try pinSpellings(CycleRecord.Trigger.self, [
            .runOnce: "run-once", .start: "start", .interval: "interval", .wake: "wake",
            .superseded: "superseded", .feedback: "feedback", .webhook: "webhook",
        ])
    }

    @Test func feedbackEventOutcomesKeepTheirSpellings() throws {
        try pinSpellings(FeedbackEventRecord.Outcome.self, [
            .applied: "applied", .rejected: "rejected", .deferred: "deferred",
            .checked: "checked", .wouldReject: "wouldReject",
        ])
    }

    @Test func proposalOutcomesKeepTheirSpellings() throws {
        try pinSpellings(ProposalAttemptRecord.Outcome.self, [
            .proposed: "proposed", .applied: "applied", .rejected: "rejected",
            .deferred: "deferred", .failed: "failed", .stopped: "stopped",
        ])
    }

    @Test func fixLedgerSpellingsKeepTheirSpellings() throws {
        try pinSpellings(FixRecord.Source.self, [.file: "file", .http: "http", .mcp: "mcp", .proposal: "proposal"])
        try pinSpellings(FixRecord.Outcome.self, [
            .proposed: "proposed", .applied: "applied", .rejected: "rejected", .deferred: "deferred",
            .failed: "failed",
        ])
    }

    @Test func deploymentSpellingsKeepTheirSpellings() throws {
        try pinSpellings(DeploymentState.State.self, [
            .deploying: "deploying", .healthy: "healthy", .rolledBack: "rolled-back", .failed: "failed",
        ])
        try pinSpellings(DeploymentRecord.Outcome.self, [.healthy: "healthy", .rolledBack: "rolled-back", .failed: "failed"])
        try pinSpellings(DeploymentRecord.Trigger.self, [.cycle: "cycle", .deploy: "deploy", .rollback: "rollback"])
    }

    @Test func loopPhasesKeepTheirSpellings() throws {
        try pinSpellings(DispatcherHealth.Phase.self, [.running: "running", .sleeping: "sleeping", .stopped: "stopped"])
    }

    @Test func theRecordedResultOfABuildIsItsResultOrFlaky() {
        func build(_ result: RepositoryBuildResult.Result, flaky: Bool = false) -> RepositoryBuildResult {
            RepositoryBuildResult(
                repository: "a", toolchainVersion: "6.3.1", steps: [], result: result, flaky: flaky,
                testsPassedOnAttempt: nil, report: BuildReport(), dockerSkipReason: nil, duration: .zero)
        }
        #expect(build(.passed).recordedResult == .passed)
        #expect(build(.passed, flaky: true).recordedResult == .flaky)
        #expect(build(.failed).recordedResult == .failed)
        #expect(build(.timedOut).recordedResult == .timedOut)
        #expect(build(.cancelled).recordedResult == .cancelled)
        #expect(build(.skipped).recordedResult == .skipped)
        #expect(RecordedBuildResult.allCases.filter(\.passedEventually) == [.passed, .flaky])
    }

    /// A batch of feedback files has the result `apply-feedback` exits with: rejected before deferred before applied.
    @Test func aFeedbackBatchHasTheResultItsFilesCameTo() {
        func event(_ outcome: FeedbackEventRecord.Outcome, restartFailure: String? = nil) -> FeedbackEventRecord {
            FeedbackEventRecord(
                repository: "a", file: "\(outcome).json", feedbackID: nil, outcome: outcome, commit: nil, detail: "",
                restartFailure: restartFailure)
        }
        #expect(CycleRecord.Result(feedback: []) == .passed)
        #expect(CycleRecord.Result(feedback: [event(.applied), event(.checked)]) == .passed)
        #expect(CycleRecord.Result(feedback: [event(.applied), event(.rejected), event(.deferred)]) == .failed)
        #expect(CycleRecord.Result(feedback: [event(.wouldReject)]) == .failed)
        #expect(CycleRecord.Result(feedback: [event(.applied), event(.deferred)]) == .infrastructure)
        #expect(CycleRecord.Result(feedback: [event(.applied, restartFailure: "exited with status 1")]) == .infrastructure)
        #expect(CycleRecord.Result(feedback: [event(.applied)], cancelled: true) == .cancelled)
    }

    @Test func aCycleResultFollowsTheExitStatus() {
        #expect(CycleRecord.Result(exitStatus: 0, cancelled: false) == .passed)
        #expect(CycleRecord.Result(exitStatus: 1, cancelled: false) == .failed)
        #expect(CycleRecord.Result(exitStatus: 3, cancelled: false) == .infrastructure)
        #expect(CycleRecord.Result(exitStatus: 1, cancelled: true) == .cancelled)
    }

    /// The text columns and the JSON records of the store hold the spellings, and `status --json` shows them.
    @Test func theStoreAndStatusKeepTheSpellings() async throws {
        try await ScratchDirectory.with { scratch in
            let root = DeployRoot(url: scratch.url)
            let store = try SQLiteStateStore(url: root.stateDatabase)
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            let built = RepositoryCycleRecord(
                repository: "app", branch: "main", head: "abc", outcome: .built, buildResult: .flaky, startedAt: at,
                finishedAt: at.addingTimeInterval(1), summary: "flaky")
            let event = FeedbackEventRecord(
                repository: "app", file: "f.json", feedbackID: "f1", outcome: .wouldReject, commit: nil, detail: "")
            try store.record(
                CycleRecord(
                    startedAt: at, finishedAt: at.addingTimeInterval(2), trigger: .runOnce, result: .infrastructure,
                    repositories: [built], feedback: [event], log: nil),
                states: [RepositoryState(repository: "app")])
            try store.updateHealth(
                DispatcherHealth(pid: 1, startedAt: at, heartbeatAt: at, nextCycleAt: nil, phase: .sleeping))
            try store.saveProposalAttempt(
                ProposalAttemptRecord(
                    repository: "app", commit: "abc", attempt: 1, limit: 2, file: nil, outcome: .failed, detail: "",
                    model: "m"))

            let columns = try store.pool.read { db in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT c.trigger, c.result, r.outcome AS repositoryOutcome, r.buildResult,
                               f.outcome AS feedbackOutcome, p.outcome AS proposalOutcome, h.record AS health
                        FROM cycle c JOIN repositoryResult r ON r.cycleId = c.id JOIN feedbackEvent f ON f.cycleId = c.id
                        JOIN proposalAttempt p JOIN health h
                        """)
            }
            let row = try #require(columns)
            #expect(row["trigger"] as String == "run-once")
            #expect(row["result"] as String == "infrastructure")
            #expect(row["repositoryOutcome"] as String == "built")
            #expect(row["buildResult"] as String == "flaky")
            #expect(row["feedbackOutcome"] as String == "wouldReject")
            #expect(row["proposalOutcome"] as String == "failed")
            #expect((row["health"] as String).contains(#""phase":"sleeping""#))

            let status = try StatusReport.load(root: root, history: 1)
            let json = try #require(
                try JSONSerialization.jsonObject(with: JSONEncoder().encode(status)) as? [String: Any])
            let repository = try #require((json["repos"] as? [[String: Any]])?.first)
            #expect((repository["lastBuild"] as? [String: Any])?["result"] as? String == "flaky")
            #expect((repository["lastCycle"] as? [String: Any])?["outcome"] as? String == "built")
            #expect((repository["proposals"] as? [String: Any])?["lastOutcome"] as? String == "failed")
            #expect((json["loop"] as? [String: Any])?["lastCycleResult"] as? String == "infrastructure")
            let record = try #require(((json["history"] as? [[String: Any]])?.first)?["record"] as? [String: Any])
            #expect(record["trigger"] as? String == "run-once")
            #expect(record["result"] as? String == "infrastructure")
            #expect(((record["feedback"] as? [[String: Any]])?.first)?["outcome"] as? String == "wouldReject")
        }
    }

    /// Rows as earlier versions wrote them read back as the same values; a feedback batch of `loop`, which they
    /// recorded with the result `feedback`, reads as what its files came to.
    @Test func storedSpellingsOfEarlierVersionsAreRead() async throws {
        try await ScratchDirectory.with { scratch in
            let root = DeployRoot(url: scratch.url)
            let store = try SQLiteStateStore(url: root.stateDatabase)
            let record = #"{"commit":"c1","detail":"","feedbackID":"f1","file":"%@.json","outcome":"%@","repository":"app"}"#
            try store.pool.write { db in
                let insertCycle = """
                    INSERT INTO cycle (startedAt, finishedAt, trigger, result, log)
                    VALUES ('2026-11-25 14:00:00.000', '2026-11-25 14:00:01.000', ?, ?, NULL)
                    """
                let insertEvent = "INSERT INTO feedbackEvent (cycleId, file, outcome, record) VALUES (?, ?, ?, ?)"
                try db.execute(sql: insertCycle, arguments: ["start", "passed"])
                try db.execute(sql: insertCycle, arguments: ["feedback", "feedback"])
                try db.execute(
                    sql: insertEvent,
                    arguments: [2, "a.json", "applied", String(format: record, "a", "applied")])
                try db.execute(sql: insertCycle, arguments: ["feedback", "feedback"])
                try db.execute(
                    sql: insertEvent,
                    arguments: [3, "b.json", "rejected", String(format: record, "b", "rejected")])
                try db.execute(sql: insertCycle, arguments: ["wake", "failed"])
                try db.execute(sql: insertCycle, arguments: ["feedback", "feedback"])
                try db.execute(
                    sql: insertEvent,
                    arguments: [5, "c.json", "deferred", String(format: record, "c", "deferred")])
            }

            let history = try store.history(limit: 10)
            #expect(history.map(\.record.trigger) == [.feedback, .wake, .feedback, .feedback, .start])
            #expect(history.map(\.record.result) == [.infrastructure, .failed, .failed, .passed, .passed])
            #expect(history.flatMap(\.record.feedback).map(\.outcome) == [.deferred, .rejected, .applied])
            let status = try StatusReport.load(root: root)
            #expect(status.loop.lastCycleResult == .failed, "the newest cycle that is not a feedback batch")
        }
    }

    @Test func aSpellingNoVersionWroteIsAnError() async throws {
        try await ScratchDirectory.with { scratch in
            let store = try SQLiteStateStore(url: scratch.appending("state.sqlite"))
            try store.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO cycle (startedAt, finishedAt, trigger, result, log)
                        VALUES ('2026-11-25 14:00:00.000', '2026-11-25 14:00:01.000', 'cron', 'passed', NULL)
                        """)
            }
            let error = try #require(throws: DispatcherError.self) { try store.history(limit: 1) }
            #expect(error.code == .store)
            #expect(error.location == scratch.appending("state.sqlite").path, "the error names the store")
            #expect(error.found.contains("could not read the history"), "and the operation: \(error)")
            #expect(error.found.contains("'cron'"), "and the spelling it does not know: \(error)")
        }
    }
}
