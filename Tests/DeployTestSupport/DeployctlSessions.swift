import Foundation

/// `deployctl` started the two ways a long-running loop is: by a service manager (no controlling terminal), or in a
/// terminal window (a pseudo-terminal that is its controlling terminal), whatever terminal the tests themselves run
/// in. Both use python3 (already needed by the test servers) for `setsid` and `pty`.
extension Deployctl {
    /// Starts `deployctl ARGUMENTS` in a session of its own with no controlling terminal and standard input
    /// `/dev/null`, as systemd, launchd or a container without `-t` start it, with the same clean environment as
    /// ``run(_:in:environment:)``.
    /// - Parameter standardError: where its standard error goes (default: discarded).
    public static func startWithoutTerminal(
        _ arguments: [String], environment: [String: String] = [:], standardError: FileHandle? = nil
    ) throws -> BackgroundDeployctl {
        let announced = try ClosingPipe()
        let process = try ChildProcess(
            ["python3", "-c", sessionDriver] + cleanCommandLine(arguments, environment: environment),
            environment: ProcessInfo.processInfo.environment, output: announced.write,
            error: standardError?.fileDescriptor)
        announced.closeWrite()
        var line = Data()
        var byte: UInt8 = 0
        while Glibc.read(announced.read, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        guard let pid = Int32(String(decoding: line, as: UTF8.self)) else {
            throw BackgroundDeployctl.StartFailure(arguments: arguments, status: process.wait().status)
        }
        return BackgroundDeployctl(process: process, pid: pid)
    }

    /// `python3 -c DRIVER COMMAND…`: forks COMMAND into a new session (a process group leader, as `Process` makes
    /// its child, cannot start one), prints its pid, forwards SIGTERM, SIGINT and SIGHUP to it and exits with its
    /// status.
    private static let sessionDriver = #"""
        import os, signal, sys
        # Default dispositions and no blocked signals, as a service manager starts a process (the test runner's
        # thread may block some, and python ignores SIGPIPE).
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        pid = os.fork()
        if pid == 0:
            os.setsid()
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            os.execvp(sys.argv[1], sys.argv[1:])
        for forwarded in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(forwarded, lambda number, frame: os.kill(pid, number))
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
        """#

    /// What became of a command whose terminal was closed.
    public struct TerminalHangUp: Sendable {
        /// Its exit status when it exited after the hangup; `nil` when it was still running (it was then killed).
        public let exitStatus: Int32?
        /// What it wrote to the terminal before the hangup (and the driver's notes).
        public let output: String
    }

    /// Runs `deployctl ARGUMENTS` as the session leader of a new pseudo-terminal (its controlling terminal, as in a
    /// terminal window), waits until its output matches the regular expression `ready`, then closes the terminal —
    /// the kernel sends the hangup (SIGHUP) as when the window is closed — and waits up to `exitWithin` seconds for
    /// it to exit.
    /// - Parameter ignoringHangup: start it with SIGHUP ignored, as `nohup` does.
    public static func runUnderTerminalThenHangUp(
        _ arguments: [String], environment: [String: String] = [:], ready: String, exitWithin: Double = 30,
        ignoringHangup: Bool = false
    ) throws -> TerminalHangUp {
        let result = try Shell.run(
            ["python3", "-c", terminalDriver, ready, String(exitWithin), ignoringHangup ? "1" : "0"]
                + cleanCommandLine(arguments, environment: environment))
        let lines = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let verdict = lines.first.map(String.init) ?? ""
        let output = (lines.count > 1 ? String(lines[1]) : "") + result.stderr
        keepCapturedOutput(of: arguments, output, "")
        let status = verdict.hasPrefix("exited ") ? Int32(verdict.dropFirst("exited ".count)) : nil
        return TerminalHangUp(exitStatus: status, output: verdict + "\n" + output)
    }

    /// `env -i PATH=… HOME=… (isolated git variables) ENVIRONMENT deployctl ARGUMENTS`.
    static func cleanCommandLine(_ arguments: [String], environment: [String: String]) -> [String] {
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
        ]
        for (key, value) in Shell.isolatedGitEnvironment { env[key] = value }
        for (key, value) in environment { env[key] = value }
        return ["env", "-i"] + env.map { "\($0)=\($1)" }.sorted() + [executable.path] + arguments
    }

    /// `python3 -c DRIVER READY SECONDS IGNORE-HUP COMMAND…`: prints `exited STATUS`, `still running` or
    /// `never ready` on the first line, then what the command wrote to its terminal.
    private static let terminalDriver = #"""
        import os, pty, re, select, signal, sys, time
        ready, seconds, command = re.compile(sys.argv[1].encode()), float(sys.argv[2]), sys.argv[4:]
        pid, fd = pty.fork()
        if pid == 0:
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            signal.signal(signal.SIGHUP, signal.SIG_IGN if sys.argv[3] == "1" else signal.SIG_DFL)
            os.execvp(command[0], command)
        output, deadline = b"", time.time() + 120
        while not ready.search(output) and time.time() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                output += data
        text = output.decode(errors="replace").replace("\r\n", "\n")
        if not ready.search(output):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            print("never ready\n" + text)
            sys.exit(0)
        os.close(fd)  # the terminal hangs up: SIGHUP to its session's leader
        end = time.time() + seconds
        while time.time() < end:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                print("exited %d\n%s" % (os.waitstatus_to_exitcode(status), text))
                sys.exit(0)
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print("still running\n" + text)
        """#
}

/// `deployctl` running in the background in a session of its own
/// (``Deployctl/startWithoutTerminal(_:environment:standardError:)``).
public final class BackgroundDeployctl: @unchecked Sendable {
    /// The driver could not start deployctl.
    public struct StartFailure: Error, CustomStringConvertible {
        public let arguments: [String]
        public let status: Int32
        public var description: String {
            "could not start deployctl \(arguments.joined(separator: " ")) in a session of its own (status \(status))"
        }
    }

    /// The parent that waits for deployctl, forwards SIGTERM, SIGINT and SIGHUP to it, and exits with its status.
    public let process: ChildProcess
    /// deployctl's own process id (for signals and `/proc`).
    public let pid: Int32

    init(process: ChildProcess, pid: Int32) {
        self.process = process
        self.pid = pid
    }

    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` to deployctl itself.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for deployctl to exit and returns its exit status.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        process.wait().status
    }

    /// Sends SIGTERM when it still runs, then waits for it.
    public func stop() {
        if isRunning { send(SIGTERM) }
        waitUntilExit()
    }
}
