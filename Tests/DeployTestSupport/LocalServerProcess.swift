import Foundation

/// Starts one of the test servers in this folder (a python3 script that prints its ephemeral port on the first line
/// of standard output) and waits for that port.
enum LocalServerProcess {
    /// Runs `python3 SCRIPT ARGUMENTS` with `environment` added to this process's environment.
    /// - Returns: the running process and the port it listens on (127.0.0.1).
    static func launch(script: String, arguments: [String], environment: [String: String]) throws
        -> (ChildProcess, Int)
    {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
        let output = try ClosingPipe()
        let process = try ChildProcess(
            ["python3", path] + arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            output: output.write)
        output.closeWrite()
        var line = Data()
        var byte: UInt8 = 0
        while Glibc.read(output.read, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.send(SIGKILL)
            process.wait()
            throw Shell.Failure(
                command: ["python3", script] + arguments,
                result: ShellResult(status: -1, stdout: String(decoding: line, as: UTF8.self), stderr: "no port reported"))
        }
        // The server writes nothing more; its output is not read again (a closed read end makes a late write fail,
        // not block).
        return (process, port)
    }
}
