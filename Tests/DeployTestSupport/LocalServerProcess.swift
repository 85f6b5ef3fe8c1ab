import Foundation

/// Starts one of the test servers in this folder (a python3 script that prints its ephemeral port on the first line
/// of standard output) and waits for that port.
enum LocalServerProcess {
    /// Runs `python3 SCRIPT ARGUMENTS` with `environment` added to this process's environment.
    /// - Returns: the running process and the port it listens on (127.0.0.1).
    static func launch(script: String, arguments: [String], environment: [String: String]) throws -> (Process, Int) {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw Shell.Failure(
                command: process.arguments ?? [],
                result: ShellResult(status: -1, stdout: String(decoding: line, as: UTF8.self), stderr: "no port reported"))
        }
        return (process, port)
    }
}
