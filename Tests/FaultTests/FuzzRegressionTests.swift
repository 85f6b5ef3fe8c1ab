import Foundation
import Testing

/// Replays every input kept in `Fixtures/fuzz-regressions/<target>/` (crashers found by `scripts/fuzz.sh`, and hand-
/// made hostile cases) through the same invariants the fuzzers check.
@Suite struct FuzzRegressionTests {
    static var folder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/fuzz-regressions")
    }

    static func inputs(_ target: HostileInvariants.Target) -> [URL] {
        let directory = folder.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test(arguments: HostileInvariants.Target.allCases)
    func keptInputsStillHoldTheInvariants(target: HostileInvariants.Target) throws {
        let inputs = Self.inputs(target)
        #expect(!inputs.isEmpty, "at least one kept input per target")
        for input in inputs {
            let broken = HostileInvariants.check(target, try Data(contentsOf: input))
            #expect(broken.isEmpty, "\(target.rawValue)/\(input.lastPathComponent): \(broken)")
        }
    }
}
