import DeployBuild
import DeployCore
import Foundation

/// `deployctl-bench status-fill ROOT [REPOS] [CYCLES]`: fills ROOT's state store with CYCLES recorded cycles over
/// REPOS repositories (folders under repos/), as a long-running loop would leave it; `bench/status.sh` then times
/// `deployctl status` on it.
enum StatusBenchmark {
    static func run(_ arguments: [String]) async throws {
        guard let path = arguments.first else { throw BenchmarkUsage("status-fill ROOT [REPOS] [CYCLES]") }
        let repositoryCount = arguments.count > 1 ? Int(arguments[1]) ?? 50 : 50
        let cycleCount = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
        let root = DeployRoot(url: URL(fileURLWithPath: path))
        let names = (1...repositoryCount).map { String(format: "repo-%02d", $0) }
        for name in names {
            try FileManager.default.createDirectory(
                at: root.repositories.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let store = try SQLiteStateStore(url: root.stateDatabase)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for cycle in 0..<cycleCount {
            let at = start.addingTimeInterval(Double(cycle) * 60)
            // Most cycles find nothing changed; every 50th builds one repository.
            let records = names.enumerated().map { index, name in
                let built = cycle % 50 == 0 && index == (cycle / 50) % names.count
                return RepositoryCycleRecord(
                    repository: name, branch: "main", head: String(repeating: "a", count: 40),
                    tree: String(repeating: "b", count: 40), toolchain: "Swift version 6.3.1", settings: "{}",
                    outcome: built ? .built : .unchanged, buildResult: built ? .passed : nil, startedAt: at,
                    finishedAt: at.addingTimeInterval(built ? 30 : 0.01), testsPassed: built ? 12 : 0,
                    summary: built ? "passed" : "unchanged", log: built ? "deploy/logs/build.log" : nil)
            }
            let record = CycleRecord(
                startedAt: at, finishedAt: at.addingTimeInterval(1), trigger: .interval, result: .passed,
                repositories: records, feedback: [], log: nil)
            try store.record(record, states: names.map { RepositoryState(repository: $0) })
        }
        print("recorded \(cycleCount) cycles over \(repositoryCount) repositories in \(root.stateDatabase.path)")
    }
}

struct BenchmarkUsage: Error, CustomStringConvertible {
    let usage: String
    init(_ usage: String) { self.usage = usage }
    var description: String { "usage: deployctl-bench \(usage)" }
}
