import Foundation

/// libFuzzer's driver: parses libFuzzer's own flags from `argv` and calls `callback` with each input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// One fuzz target per parser, chosen by `FUZZ_TARGET` (`feedback`, `patch`, `env`, `log`); every other argument
/// goes to libFuzzer (`-max_total_time=20`, a corpus folder, a crash file to replay…).
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
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(
            LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
                FuzzTarget.run(bytes)
                return 0
            })
    }
}
