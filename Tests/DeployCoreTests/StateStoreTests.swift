import DeployBuild
import DeployCore
import DeployTestSupport
import Foundation
import Testing

@Suite struct StateStoreTests {
    func record(_ name: String, _ outcome: RepositoryCycleRecord.Outcome, result: RecordedBuildResult?, at: Date) -> RepositoryCycleRecord {
        RepositoryCycleRecord(
            repository: name, branch: "main", head: "abc", tree: "t1", outcome: outcome, buildResult: result,
            startedAt: at, finishedAt: at.addingTimeInterval(2), errors: result == .failed ? 1 : 0,
            failingTests: result == .failed ? ["Suite.test"] : [], summary: outcome.rawValue)
    }

    @Test func aCycleIsRecordedWithItsRepositoriesAndStates() async throws {
        try await ScratchDirectory.with { scratch in
            let store = try SQLiteStateStore(url: scratch.appending("deploy/state.sqlite"))
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let cycle = CycleRecord(
                startedAt: now, finishedAt: now.addingTimeInterval(3), trigger: .runOnce, result: .failed,
                repositories: [record("a", .built, result: .failed, at: now)],
                feedback: [.init(repository: "a", file: "f.json", feedbackID: "f1", outcome: .applied, commit: "c", detail: "")],
                log: "deploy/logs/build.log")
            try store.record(cycle, states: [RepositoryState(repository: "a", consecutiveFailures: 1)])
            let second = CycleRecord(
                startedAt: now.addingTimeInterval(60), finishedAt: now.addingTimeInterval(61), trigger: .interval,
                result: .failed, repositories: [record("a", .unchanged, result: nil, at: now.addingTimeInterval(60))],
                feedback: [], log: nil)
            try store.record(second, states: [RepositoryState(repository: "a", consecutiveFailures: 1)])

            // Reopened: what was written survives, the unchanged cycle keeps the last build.
            let reopened = try SQLiteStateStore(url: scratch.appending("deploy/state.sqlite"))
            let state = try #require(try reopened.repositoryStates()["a"])
            #expect(state.latest?.outcome == .unchanged)
            #expect(state.lastBuild?.buildResult == .failed)
            #expect(state.lastBuild?.failingTests == ["Suite.test"])
            #expect(state.consecutiveFailures == 1)
            let history = try reopened.history(limit: 5)
            #expect(history.map(\.record.trigger) == [.interval, .runOnce])
            #expect(history[1].record.feedback.first?.feedbackID == "f1")
            #expect(try reopened.cycleCount() == 2)
        }
    }

    @Test func healthIsStoredAndReplaced() async throws {
        try await ScratchDirectory.with { scratch in
            let store = try SQLiteStateStore(url: scratch.appending("state.sqlite"))
            #expect(try store.health() == nil)
            let date = Date(timeIntervalSince1970: 1_800_000_000)
            try store.updateHealth(.init(pid: 1, startedAt: date, heartbeatAt: date, nextCycleAt: nil, phase: .running))
            try store.updateHealth(.init(pid: 1, startedAt: date, heartbeatAt: date, nextCycleAt: date, phase: .sleeping))
            #expect(try store.health()?.phase == .sleeping)
        }
    }

    @Test func statusOnARootThatNeverRanSaysSo() async throws {
        try await ScratchDirectory.with { scratch in
            let root = DeployRoot(url: scratch.url)
            try FileManager.default.createDirectory(at: root.repository(RepositoryName("svc")), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: root.feedback, withIntermediateDirectories: true)
            try Data(#"{"repo":"svc","patch":"x"}"#.utf8).write(to: root.feedback.appendingPathComponent("1.json"))
            let report = try StatusReport.load(root: root)
            #expect(report.neverRan)
            #expect(report.repos.map(\.name) == ["svc"])
            #expect(report.repos[0].lastBuild == nil)
            #expect(report.repos[0].pendingFeedback == 1)
            #expect(report.pendingFeedback == 1)
            #expect(!report.loop.running)
            #expect(!FileManager.default.fileExists(atPath: root.stateDatabase.path), "status must not create the store")
        }
    }

    @Test func openingANewStoreFromManyPlacesAtOnceMigratesItOnce() async throws {
        // `status` opening the store while `loop` creates it: both used to create the first tables.
        try await ScratchDirectory.with { scratch in
            let url = scratch.url.appendingPathComponent("deploy/state.sqlite")
            let failures = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try SQLiteStateStore(url: url)
                            return nil
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                var failures: [String] = []
                for await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            #expect(failures.isEmpty, "\(failures)")
        }
    }
}
