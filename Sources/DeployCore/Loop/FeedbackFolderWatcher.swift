import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wakes the loop when a file lands in `feedback/`.
///
/// On Linux it uses inotify (a file created or moved into the folder wakes it at once); where inotify is unavailable
/// (macOS, or no watch could be added) it polls the folder's listing every `pollInterval`. Either way the owner
/// receives a wake-up through ``events``, and the watcher stops when the stream is no longer iterated.
public final class FeedbackFolderWatcher: Sendable {
    /// How the folder is watched, for the start-up report.
    public enum Mechanism: String, Sendable {
        case inotify
        case polling
    }

    public let events: AsyncStream<Void>
    public let mechanism: Mechanism
    private let continuation: AsyncStream<Void>.Continuation
    private let stopFlag = StopFlag()

    public init(folder: URL, pollInterval: Duration = .milliseconds(500)) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.events = stream
        self.continuation = continuation
        let stopFlag = self.stopFlag
        #if os(Linux)
            let fd = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
            let mask = UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE)
            if fd >= 0, inotify_add_watch(fd, folder.path, mask) >= 0 {
                mechanism = .inotify
                Thread.detachNewThread {
                    Self.readInotify(fd: fd, continuation: continuation, stop: stopFlag)
                }
            } else {
                if fd >= 0 { close(fd) }
                mechanism = .polling
                Self.startPolling(folder: folder, interval: pollInterval, continuation: continuation, stop: stopFlag)
            }
        #else
            mechanism = .polling
            Self.startPolling(folder: folder, interval: pollInterval, continuation: continuation, stop: stopFlag)
        #endif
        continuation.onTermination = { _ in stopFlag.stop() }
    }

    /// Stops watching; ``events`` finishes.
    public func stop() {
        stopFlag.stop()
        continuation.finish()
    }

    deinit {
        stop()
    }

    #if os(Linux)
        private static func readInotify(fd: Int32, continuation: AsyncStream<Void>.Continuation, stop: StopFlag) {
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !stop.isStopped {
                var pollDescriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pollDescriptor, 1, 200)
                guard ready > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 { continuation.yield() }
            }
        }
    #endif

    private static func startPolling(
        folder: URL, interval: Duration, continuation: AsyncStream<Void>.Continuation, stop: StopFlag
    ) {
        Thread.detachNewThread {
            var last = listing(folder)
            let microseconds = UInt32(interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000)
            while !stop.isStopped {
                usleep(microseconds)
                let now = listing(folder)
                if now != last, !now.subtracting(last).isEmpty { continuation.yield() }
                last = now
            }
        }
    }

    private static func listing(_ folder: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.filter { $0.hasSuffix(".json") } ?? [])
    }
}

/// A flag shared with the watcher's thread.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    var isStopped: Bool { lock.withLock { stopped } }
    func stop() { lock.withLock { stopped = true } }
}
