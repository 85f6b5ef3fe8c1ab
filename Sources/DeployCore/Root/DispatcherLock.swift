import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one-dispatcher-per-root lock: an exclusive `flock` on `deploy/dispatcher.lock`.
///
/// The kernel drops the lock when the holder exits, however it exits, so a crashed dispatcher never leaves it stuck.
/// The file holds a line naming the holder (pid, command, start time) so a second dispatcher can say who has it.
public final class DispatcherLock: Sendable {
    private let descriptor: Int32
    public let url: URL
    /// When the previous holder worked, if it ended without releasing the lock cleanly (killed, or crashed; its
    /// description line was still in the file): from its start until this lock was taken. Lock files its git
    /// operations left then are known to be no one's (see `GitRepository.removeStaleLocks`).
    public let interruptedHolderLifetime: Range<Date>?

    /// Takes the lock or throws at once (never waits).
    /// - Parameters:
    ///   - root: the deploy root whose `deploy/dispatcher.lock` is taken.
    ///   - command: how the holder describes itself, e.g. `deployctl loop`.
    /// - Throws: ``DispatcherError/Code/rootLocked`` when another process holds it (naming the holder);
    ///   ``DispatcherError/Code/invalidRoot`` when `deploy/dispatcher.lock` cannot be created.
    public init(root: DeployRoot, command: String) throws(DispatcherError) {
        url = root.lockFile
        do {
            try FileManager.default.createDirectory(at: root.deploy, withIntermediateDirectories: true)
        } catch {
            throw Self.unwritable(root.deploy.path, "it cannot be created: \(error.localizedDescription)")
        }
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Self.unwritable(url.path, "it cannot be opened for writing: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: url, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw DispatcherError(
                .rootLocked, location: url.path, found: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "an unknown process",
                accepted: "stop it first, or use another --root")
        }
        descriptor = fd
        // A clean release empties the file (deinit): a line still there names a holder that was killed.
        let previous = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let now = Date()
        interruptedHolderLifetime = Self.startDate(in: previous).flatMap { $0 < now ? $0..<now : nil }
        let line = "pid \(getpid()) (\(command)) since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = line.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    private static func unwritable(_ path: String, _ found: String) -> DispatcherError {
        DispatcherError(.invalidRoot, location: path, found: found, accepted: "a deploy root whose deploy/ folder is writable")
    }

    /// The start time in a holder line (`pid 4242 (deployctl loop) since 2026-11-25T13:00:00Z`).
    static func startDate(in line: String) -> Date? {
        guard let range = line.range(of: " since ", options: .backwards) else { return nil }
        let text = line[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        return ISO8601DateFormatter().date(from: text)
    }

    /// Whether some process holds the lock on `root` now, and its description.
    public static func holder(of root: DeployRoot) -> String? {
        let fd = open(root.lockFile.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        let text = (try? String(contentsOf: root.lockFile, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.flatMap { $0.isEmpty ? nil : $0 } ?? "an unknown process"
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
