import DeployTestSupport
import Foundation
import Testing

/// The shipped `deployctl` has no crash hook: `DEPLOYCTL_CRASH_AT` is read only by the test-only `deployctl-faults`.
@Suite("The shipped binary has no crash hook")
struct ShippedBinaryTests {
    /// With every kill point armed in turn, `deployctl` (not `deployctl-faults`) completes the cycle that
    /// ``CrashSafetyTests`` kills at each of them: green, the fix pushed once, the hostile file rejected.
    @Test func deployctlIgnoresDEPLOYCTL_CRASH_AT() throws {
        let root = try CrashSafetyTests.preparedRoot("shipped-no-hook")
        defer { root.scratch.remove() }
        var armed = root
        // One variable per run; `fetched` is reached first in every cycle, so a hook that read it would die at once.
        armed.environment["DEPLOYCTL_CRASH_AT"] = "fetched"
        let run = try armed.run(["run-once"])
        #expect(!run.signaled && run.status == 0, "deployctl must ignore DEPLOYCTL_CRASH_AT: \(run.transcript)")
        try root.expectConsistent(dropped: ["001-fix.json", "002-hostile.json"], context: "shipped binary")
        #expect(root.feedbackFiles(in: "applied") == ["001-fix.json"])
        #expect(root.feedbackFiles(in: "rejected") == ["002-hostile.json"])
        #expect(try root.remoteCommits("alpha", feedbackID: "fix-1") == 1)

        for point in CrashSafetyTests.cyclePoints {
            armed.environment["DEPLOYCTL_CRASH_AT"] = point
            let again = try armed.run(["run-once"])
            #expect(!again.signaled && again.status == 0, "\(point): \(again.transcript)")
        }
    }

    /// The shipped binary does not even hold the variable's name; the test-only one does.
    @Test func onlyTheTestOnlyBinaryNamesTheVariable() throws {
        let name = Data("DEPLOYCTL_CRASH_AT".utf8)
        let shipped = try Data(contentsOf: Deployctl.executable, options: .alwaysMapped)
        let faults = try Data(contentsOf: Deployctl.faultsExecutable, options: .alwaysMapped)
        #expect(shipped.range(of: name) == nil, "\(Deployctl.executable.path) holds DEPLOYCTL_CRASH_AT")
        #expect(faults.range(of: name) != nil, "\(Deployctl.faultsExecutable.path) is the one that reads it")
    }

    /// `deployctl-faults` refuses a value that arms nothing, instead of running unarmed.
    @Test(arguments: ["nosuchpoint", "fetched@0", "fetched@x", "@2"])
    func theTestOnlyBinaryRefusesAnUnknownPoint(specification: String) throws {
        let root = try ReliabilityRoot(prefix: "faults-bad-spec", repositories: ["alpha"])
        defer { root.scratch.remove() }
        let run = try root.run(["run-once"], crashAt: specification)
        #expect(!run.signaled && run.status == 2, "\(run.transcript)")
        #expect(run.stderr.contains("DEPLOYCTL_CRASH_AT"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.url.appendingPathComponent("deploy/state.sqlite").path))
    }
}
