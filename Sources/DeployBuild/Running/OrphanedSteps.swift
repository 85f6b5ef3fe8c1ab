import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds and ends the process groups of steps whose deployctl died without ending them (`SIGKILL`, OOM killer,
/// power cut).
///
/// Steps run in their own session, so they do not die with deployctl; a `swift build` left running would hold the
/// package's `.build` lock and stall the next build of that repository. ``StepRunner`` marks the environment of each
/// build and test step (not restart commands, which may start services meant to outlive deployctl) with
/// ``ownerVariable`` set to deployctl's pid; ``reap(under:)``, called by a dispatcher once it holds the root's lock,
/// ends every marked process whose owner is gone and whose working directory is inside the root. Reads `/proc`, so
/// it works on Linux; elsewhere it finds nothing.
public enum OrphanedSteps {
    /// The environment variable that names the deployctl process a step belongs to.
    public static let ownerVariable = "DEPLOYCTL_STEP_OWNER"

    /// Ends (with `SIGKILL`) the process groups of orphaned steps working inside `folder`, and waits briefly for
    /// them to go.
    /// - Returns: the process group ids that were ended, sorted.
    @discardableResult
    public static func reap(under folder: URL) -> [pid_t] {
        #if os(Linux)
            let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            var groups = Set<pid_t>()
            for entry in entries {
                guard let pid = pid_t(entry), pid != getpid(), let owner = owner(of: pid), owner != getpid(),
                    !isAlive(owner),
                    let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
                    cwd == root || cwd.hasPrefix(root + "/")
                else { continue }
                let group = getpgid(pid)
                if group > 1, group != getpgrp() { groups.insert(group) }
            }
            for group in groups { kill(-group, SIGKILL) }
            let deadline = Date().addingTimeInterval(2)
            while groups.contains(where: { kill(-$0, 0) == 0 }), Date() < deadline { usleep(10_000) }
            return groups.sorted()
        #else
            return []
        #endif
    }

    /// The owner pid in the process's environment, if it is a step.
    private static func owner(of pid: pid_t) -> pid_t? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        let prefix = Array("\(ownerVariable)=".utf8)
        for entry in data.split(separator: 0) where entry.starts(with: prefix) {
            return pid_t(String(decoding: entry.dropFirst(prefix.count), as: UTF8.self))
        }
        return nil
    }

    private static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
