import DeployGit
import Foundation

/// Owned by the DeployGit work: a no-change update (fetch + fast-forward) of many repositories in one process.
///
/// `deployctl-bench git-update [--jobs N] DIR...` updates every repository concurrently, at most N at a time (default
/// 8), and prints one line per outcome kind and a final `wall_seconds S` line for `bench/git-update.sh`.
enum GitUpdateBenchmark {
    static func run(_ arguments: [String]) async throws {
        var jobs = 8
        var directories: [String] = []
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--jobs", let value = iterator.next(), let number = Int(value), number > 0 {
                jobs = number
            } else {
                directories.append(argument)
            }
        }
        guard !directories.isEmpty else {
            FileHandle.standardError.write(Data("usage: deployctl-bench git-update [--jobs N] DIR...\n".utf8))
            exit(2)
        }
        let start = ContinuousClock.now
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            var pending = directories.makeIterator()
            var results: [String: Int] = [:]
            func add(_ path: String) {
                group.addTask {
                    let repository = try GitRepository.open(at: URL(fileURLWithPath: path))
                    switch try await repository.update(timeout: .seconds(120)) {
                    case .upToDate: return "upToDate"
                    case .fastForwarded: return "fastForwarded"
                    case .blocked(let block): return "blocked(\(block))"
                    }
                }
            }
            for _ in 0..<jobs {
                guard let next = pending.next() else { break }
                add(next)
            }
            while let outcome = try await group.next() {
                results[outcome, default: 0] += 1
                if let next = pending.next() { add(next) }
            }
            return results
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        for (outcome, count) in outcomes.sorted(by: { $0.key < $1.key }) {
            print("\(outcome) \(count)")
        }
        print("repositories \(directories.count)")
        print(String(format: "wall_seconds %.3f", seconds))
    }
}
