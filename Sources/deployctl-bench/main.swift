// deployctl-bench: the benchmark driver behind `make bench`. Each benchmark lives in its own file and is run by name;
// figures are printed by the benchmark scripts in `bench/`, beside their baselines from the same run.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first else {
    FileHandle.standardError.write(Data("usage: deployctl-bench BENCHMARK [ARGS...]\n".utf8))
    exit(2)
}
let rest = Array(arguments.dropFirst())
do {
    switch name {
    case "git-update": try await GitUpdateBenchmark.run(rest)
    case "parse-log": try await LogParseBenchmark.run(rest)
    case "status-fill": try await StatusBenchmark.run(rest)
    case "feedback-apply": try await FeedbackApplyBenchmark.run(rest)
    case "sandbox-cost": try await SandboxCostBenchmark.run(rest)
    default:
        FileHandle.standardError.write(Data("unknown benchmark '\(name)'\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("deployctl-bench \(name): \(error)\n".utf8))
    exit(1)
}
