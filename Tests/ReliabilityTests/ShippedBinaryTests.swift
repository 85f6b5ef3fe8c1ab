import DeployTestSupport
import Foundation
import Testing

/// The shipped `deployctl` has no crash hook: `DEPLOYCTL_CRASH_AT` is read only by the test-only `deployctl-faults`.
@Suite("The shipped binary has no crash hook", .serialized)
struct ShippedBinaryTests {
    /// With kill points armed, `deployctl` (not `deployctl-faults`) completes the cycle that ``CrashSafetyTests``
    /// kills at each of them: green, the fix pushed once, the hostile file rejected; and the next cycle too.
    @Test func deployctlIgnoresDEPLOYCTL_CRASH_AT() throws {
        var root = try CrashSafetyTests.preparedRoot("shipped-no-hook")
        defer { root.scratch.remove() }
        // `fetched` is reached first in every cycle: a binary that read the variable would die at once.
        root.environment["DEPLOYCTL_CRASH_AT"] = "fetched"
        let run = try root.run(["run-once"])
        #expect(!run.signaled && run.status == 0, "deployctl must ignore DEPLOYCTL_CRASH_AT: \(run.transcript)")
        try root.expectConsistent(dropped: ["001-fix.json", "002-hostile.json"], context: "shipped binary")
        #expect(root.feedbackFiles(in: "applied") == ["001-fix.json"])
        #expect(root.feedbackFiles(in: "rejected") == ["002-hostile.json"])
        #expect(try root.remoteCommits("alpha", feedbackID: "fix-1") == 1)
        // `stateWritten` is reached by every cycle, an unchanged one too.
        root.environment["DEPLOYCTL_CRASH_AT"] = "stateWritten@1"
        let next = try root.run(["run-once"])
        #expect(!next.signaled && next.status == 0, "\(next.transcript)")
    }

    /// The shipped binary does not even hold the variable's name; the test-only one does.
    @Test func onlyTheTestOnlyBinaryNamesTheVariable() throws {
        let name = Data("DEPLOYCTL_CRASH_AT".utf8)
        let shipped = try Data(contentsOf: Deployctl.executable, options: .alwaysMapped)
        let faults = try Data(contentsOf: Deployctl.faultsExecutable, options: .alwaysMapped)
        #expect(shipped.range(of: name) == nil, "\(Deployctl.executable.path) holds DEPLOYCTL_CRASH_AT")
        #expect(faults.range(of: name) != nil, "\(Deployctl.faultsExecutable.path) is the one that reads it")
    }

    /// `deployctl-faults` refuses a value that arms nothing (exit status 2, naming the variable) instead of running
    /// unarmed; with a kill point it runs the command.
    @Test func theTestOnlyBinaryRefusesAValueThatArmsNothing() throws {
        let scratch = try ScratchDirectory(prefix: "faults-bad-value")
        defer { scratch.remove() }
        for value in ["nosuchpoint", "fetched@0", "fetched@x", "@2"] {
            let run = try BinaryRun.run(["--version"], environment: [:], crashAt: value, outputFolder: scratch.url)
            #expect(!run.signaled && run.status == 2, "\(value): \(run.transcript)")
            #expect(run.stderr.contains("DEPLOYCTL_CRASH_AT='\(value)'"), "\(value): \(run.stderr)")
        }
        let armed = try BinaryRun.run(["--version"], environment: [:], crashAt: "fetched@2", outputFolder: scratch.url)
        #expect(!armed.signaled && armed.status == 0 && !armed.stdout.isEmpty, "\(armed.transcript)")
    }
}
