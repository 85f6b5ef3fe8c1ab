import DeployBuild
import DeployCore
import DeployTestSupport
import Foundation
import Testing

/// A build whose processes ignore SIGTERM: the step timeout (`DISPATCHER_STEP_TIMEOUT`) ends the whole process group
/// (SIGKILL after the grace period), the build is reported as timed out, and the next repository is built.
@Suite struct BuildFaultTests {
    @Test func childrenThatIgnoreSIGTERMAreKilledWithTheirGroupAtTheStepTimeout() async throws {
        var root = try FaultRoot(prefix: "build-fault")
        defer { root.remove() }
        let marker = "sleep 4711\(Int.random(in: 100...999))"
        // The shell and both children ignore SIGTERM (an ignored signal stays ignored across fork and exec).
        let script = "trap '' TERM; (trap '' TERM; exec \(marker)) & (trap '' TERM; exec \(marker)) & \(marker); wait"
        try root.addRepository("a-stubborn", build: ["sh", "-c", script])
        try root.addRepository("b-after")
        let dispatcher = try root.dispatcher(environment: ["DISPATCHER_STEP_TIMEOUT": "5"])

        let report = try await root.cycle(dispatcher)

        let stubborn = try #require(report.byName["a-stubborn"])
        #expect(stubborn.outcome == .built)
        #expect(stubborn.buildResult == .timedOut, "\(stubborn.summary)")
        let step = try #require(report.builds["a-stubborn"]?.steps.first)
        #expect("\(step.outcome.result)".contains("timedOut"))
        #expect(try Shell.run(["pgrep", "-f", marker]).stdout.isEmpty, "no process of the timed-out build survives")
        #expect(report.byName["b-after"]?.buildResult == .passed, "the next repository is built")
        #expect(report.exitStatus == 1, "a timed-out build is a failed build")
    }
}
