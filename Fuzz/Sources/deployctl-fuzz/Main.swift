import Foundation
import FuzzDriver

/// One fuzz target per parser, chosen by `FUZZ_TARGET` (`feedback`, `patch`, `env`, `log`, `patch-headers`, `push`); every
/// other argument goes to libFuzzer (`-max_total_time=20`, a corpus folder, a crash file to replay…).
@main
enum FuzzMain {
    static func main() {
        let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
        guard let target = HostileInvariants.Target(rawValue: name) else {
            let names = HostileInvariants.Target.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("FUZZ_TARGET must be one of: \(names)\n".utf8))
            exit(2)
        }
        FuzzTarget.selected = target
        runFuzzer(FuzzTarget.run)
    }
}
