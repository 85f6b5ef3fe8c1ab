import DeployBuild
import Foundation

/// The cycle's log file, created on first use so that a cycle that builds nothing writes no log.
final class CycleLog: @unchecked Sendable {
    private let directory: BuildLogDirectory
    private let startedAt: Date
    private let lock = NSLock()
    private var opened: BuildLogFile?
    private let faults: FaultInjection

    init(directory: BuildLogDirectory, startedAt: Date, faults: FaultInjection = FaultInjection()) {
        self.directory = directory
        self.startedAt = startedAt
        self.faults = faults
    }

    /// The log, created now if needed.
    func file() throws -> BuildLogFile {
        try lock.withLock {
            if let opened { return opened }
            let file = try directory.makeCycleLog(at: startedAt)
            opened = file
            faults.reach(.logOpened)
            return file
        }
    }

    /// The log if one was created.
    var existing: BuildLogFile? { lock.withLock { opened } }

    func close() {
        lock.withLock { opened?.close() }
    }
}
