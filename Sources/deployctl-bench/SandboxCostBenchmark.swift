import DeployBuild
import Foundation

/// The cost of the verification sandbox: a no-op `swift build` of a package (already built once) through
/// ``StepRunner``, with and without bubblewrap, alternating which goes first, in the same run.
///
/// `deployctl-bench sandbox-cost PACKAGE [RUNS]` prints the median and spread of each side and the difference. The
/// package is copied to a scratch folder first, so its own `.build` is not touched.
enum SandboxCostBenchmark {
    static func run(_ arguments: [String]) async throws {
        guard let package = arguments.first else {
            FileHandle.standardError.write(Data("usage: deployctl-bench sandbox-cost PACKAGE [RUNS]\n".utf8))
            exit(2)
        }
        let runs = arguments.dropFirst().first.flatMap(Int.init) ?? 10
        guard case .available(let tool) = try await SandboxLocator().locate(.auto) else {
            print("sandbox-cost: no sandbox on this machine; nothing to compare")
            return
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("deployctl-bench-sandbox-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let work = scratch.appendingPathComponent("package")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: package), to: work)
        try? FileManager.default.removeItem(at: work.appendingPathComponent(".build"))
        let home = scratch.appendingPathComponent("home")
        let sandbox = SandboxSettings(tool: tool, hidden: [], allowsNetwork: false)
            .confined(writing: [work], home: home)
        let toolchain = try await ToolchainLocator(probe: .current(environment: ProcessInfo.processInfo.environment)).locate()
        let runner = StepRunner()
        func build(_ sandbox: StepSandbox?) async throws -> Double {
            let step = BuildStep(
                name: .build, command: toolchain.invocation(["build"]), workingDirectory: work, timeout: .seconds(600),
                sandbox: sandbox)
            let start = ContinuousClock.now
            let outcome = await runner.run(step, log: DiscardingSink())
            guard case .passed = outcome.result else {
                throw BuildError(.spawnFailed, "swift build \(sandbox == nil ? "" : "in the sandbox ")failed: \(outcome.lastLines.suffix(5))")
            }
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        }
        // The first build fills .build (inside the sandbox, as verification would).
        _ = try await build(sandbox)
        var plain: [Double] = []
        var confined: [Double] = []
        for round in 0..<runs {
            if round % 2 == 0 {
                plain.append(try await build(nil))
                confined.append(try await build(sandbox))
            } else {
                confined.append(try await build(sandbox))
                plain.append(try await build(nil))
            }
        }
        func describe(_ values: [Double]) -> String {
            let sorted = values.sorted()
            return String(format: "median=%.0f ms min=%.0f max=%.0f", sorted[sorted.count / 2], sorted[0], sorted[sorted.count - 1])
        }
        let difference = confined.sorted()[runs / 2] - plain.sorted()[runs / 2]
        print("sandbox-cost tool=\(tool) runs=\(runs) package=\(package)")
        print("sandbox-cost no-op swift build without sandbox: \(describe(plain))")
        print("sandbox-cost no-op swift build in the sandbox:  \(describe(confined))")
        print(String(format: "sandbox-cost the sandbox adds %.0f ms per step (median against median)", difference))
    }
}
