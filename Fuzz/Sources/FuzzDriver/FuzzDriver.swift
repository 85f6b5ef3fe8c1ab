import Foundation

/// libFuzzer's driver: parses libFuzzer's own flags from `argv` and calls `callback` with each input.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The check each input goes through (a C callback cannot capture it, so it waits here).
nonisolated(unsafe) private var check: (Data) -> Void = { _ in }

/// Runs libFuzzer with the process's arguments (`-max_total_time=20`, a corpus folder, a crash file to replay…),
/// giving every input to `body`, which traps on a broken invariant so that libFuzzer keeps the input; then exits.
public func runFuzzer(_ body: @escaping (Data) -> Void) -> Never {
    check = body
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(
        LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            check(data.map { Data(bytes: $0, count: size) } ?? Data())
            return 0
        })
}
