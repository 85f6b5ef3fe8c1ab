import DeployBuild
import Foundation
import Logging

/// A deploy root opened for one dispatcher: its lock held, the process groups a killed predecessor's steps left
/// running ended, and the folders deployctl writes to created.
///
/// Opening is what makes a root safe to work on; a ``Dispatcher`` is built on an opened root. The lock is released
/// when the value is released (or the process ends, however it ends).
///
/// ```swift
/// let opened = try root.open(command: "deployctl run-once", logger: logger)
/// let dispatcher = Dispatcher(
///     root: opened, configuration: configuration, store: try SQLiteStateStore(url: root.stateDatabase))
/// ```
public final class OpenedRoot: Sendable {
    public let root: DeployRoot
    private let lock: DispatcherLock

    /// When the previous holder of the lock worked, if it was killed rather than released the lock: lock files its
    /// git operations left then are no one's (``DispatcherLock/interruptedHolderLifetime``).
    public var interruptedHolderLifetime: Range<Date>? { lock.interruptedHolderLifetime }

    fileprivate init(root: DeployRoot, lock: DispatcherLock) {
        self.root = root
        self.lock = lock
    }

    /// Takes the lock on `root` (never waits), ends orphaned steps and creates the writable folders.
    /// - Throws: ``DispatcherError`` (`rootLocked` when another dispatcher holds the lock, `invalidRoot` when its
    ///   folders cannot be created).
    fileprivate static func open(_ root: DeployRoot, command: String, logger: Logger) throws(DispatcherError)
        -> OpenedRoot
    {
        let lock = try DispatcherLock(root: root, command: command)
        for group in OrphanedSteps.reap(under: root.url) {
            logger.warning("ended process group \(group), a step left running by a killed dispatcher")
        }
        try root.createWritableFolders()
        return OpenedRoot(root: root, lock: lock)
    }
}

extension DeployRoot {
    /// Opens the root for one dispatcher (``OpenedRoot``).
    /// - Parameters:
    ///   - command: how the dispatcher describes itself to a second one that finds the lock held.
    ///   - logger: told about the orphaned steps that were ended.
    /// - Throws: ``DispatcherError`` (`rootLocked` when another dispatcher holds the lock, `invalidRoot` when its
    ///   folders cannot be created).
    public func open(command: String = "deployctl", logger: Logger = Logger(label: "deployctl")) throws(DispatcherError)
        -> OpenedRoot
    {
        try OpenedRoot.open(self, command: command, logger: logger)
    }
}
