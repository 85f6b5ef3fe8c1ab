import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with `posix_spawn` and reaped with `waitpid` on its own pid.
///
/// Not Foundation's `Process`: it learns that its children ended from `SIGCHLD`, and in a process that also runs
/// swift-subprocess (the tests run `StepRunner`), that signal can be taken by swift-subprocess's monitor thread, which
/// waits with every signal unblocked; `Process.waitUntilExit()` then waits forever on a zombie. `waitpid` on the pid
/// needs no signal. The child gets only the descriptors it is given (everything from 3 up is closed in it), so a
/// long-lived child never keeps another test's pipe open.
public final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    public struct Termination: Sendable, Hashable {
        /// The exit status, or the signal number when ``signaled``.
        public var status: Int32
        public var signaled: Bool

        public init(status: Int32, signaled: Bool) {
            self.status = status
            self.signaled = signaled
        }
    }

    public let pid: pid_t
    private let lock = NSLock()
    private var ended: Termination?

    /// Starts `arguments` (the first is looked up on `PATH` by `/usr/bin/env`) in `directory`, with exactly
    /// `environment`, and standard input, output and error on the given descriptors (`nil`: `/dev/null`).
    public init(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String],
        input: Int32? = nil, output: Int32? = nil, error: Int32? = nil
    ) throws {
        var argv = ["/usr/bin/env"]
        if let directory { argv += ["-C", directory.path] }
        argv += arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (descriptor, target) in [(input, Int32(0)), (output, 1), (error, 2)] {
            if let descriptor {
                posix_spawn_file_actions_adddup2(&actions, descriptor, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        _ = closeFrom?(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no signal blocked and default handlers, whatever the test runner's threads block.
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let environ = environment.map { "\($0)=\($1)" }
        var child: pid_t = 0
        let result = withCStrings(argv) { argvPointers in
            withCStrings(environ) { environPointers in
                posix_spawn(&child, argv[0], &actions, &attributes, argvPointers, environPointers)
            }
        }
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        pid = child
    }

    /// Waits for the child to end (reaping it) and says how.
    @discardableResult
    public func wait() -> Termination {
        if let ended = lock.withLock({ ended }) { return ended }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return record(status)
    }

    /// Whether the child still runs (reaping it when it has ended).
    public var isRunning: Bool {
        if lock.withLock({ ended }) != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        record(status)
        return false
    }

    /// Sends `signal` to the child, unless it has been reaped (its pid may be someone else's by then).
    public func send(_ signal: Int32) {
        guard isRunning else { return }
        kill(pid, signal)
    }

    @discardableResult
    private func record(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        let termination =
            signal == 0 ? Termination(status: (status >> 8) & 0xff, signaled: false)
            : Termination(status: signal, signaled: true)
        lock.withLock { ended = termination }
        return termination
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not show:
/// looked up at run time; `nil` where it is missing (then only close-on-exec descriptors are kept from the child).
private let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { return nil }
    return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// Calls `body` with a NULL-terminated array of C strings for `strings`.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

/// A pipe whose ends are closed on exec (only the descriptors a ``ChildProcess`` is given reach it) and when this
/// value is freed.
public final class ClosingPipe: @unchecked Sendable {
    private let lock = NSLock()
    private var ends: [Int32]

    public init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        ends = descriptors
    }

    public var read: Int32 { lock.withLock { ends[0] } }
    public var write: Int32 { lock.withLock { ends[1] } }

    public func closeRead() { close(0) }
    public func closeWrite() { close(1) }

    /// Writes all of `data` to the write end (a reader that went away ends it early).
    public func writeAll(_ data: Data) {
        let descriptor = write
        guard descriptor >= 0 else { return }
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// Reads the read end until every writer has closed it.
    public func readToEnd() -> Data {
        let descriptor = read
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while descriptor >= 0 {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(buffer, count: count)
        }
        return data
    }

    private func close(_ index: Int) {
        let descriptor = lock.withLock { () -> Int32 in
            defer { ends[index] = -1 }
            return ends[index]
        }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    deinit {
        for descriptor in ends where descriptor >= 0 { _ = Glibc.close(descriptor) }
    }
}
