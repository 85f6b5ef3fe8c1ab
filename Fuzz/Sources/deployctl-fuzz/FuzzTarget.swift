import Foundation

/// The fuzz target chosen by `FUZZ_TARGET`; each input goes through ``HostileInvariants`` (linked from
/// Tests/FaultTests) and a broken invariant traps, so libFuzzer keeps the input as a crasher.
enum FuzzTarget {
    nonisolated(unsafe) static var selected: HostileInvariants.Target = .feedback

    static func run(_ data: Data) {
        let broken = HostileInvariants.check(selected, data)
        precondition(broken.isEmpty, "\(selected.rawValue): \(broken.joined(separator: "; "))")
    }
}
