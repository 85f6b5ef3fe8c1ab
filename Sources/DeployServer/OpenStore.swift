import DeployCore
import Synchronization

/// The root's state store, opened once for all of the server's requests (opening an SQLite pool per request cost
/// most of a status answer), or opened on first use when the root had none yet.
final class OpenStore: Sendable {
    let root: DeployRoot
    private let opened = Mutex<SQLiteStateStore?>(nil)

    init(root: DeployRoot) {
        self.root = root
    }

    /// The store, or nil when the root has none yet.
    var store: SQLiteStateStore? {
        opened.withLock { store in
            if store == nil { store = try? SQLiteStateStore.openExisting(at: root.stateDatabase) }
            return store
        }
    }

    /// The status report, read through the open store.
    func status(history: Int = 0, deployments: Int = 0) throws(DispatcherError) -> StatusReport {
        try StatusReport.load(root: root, history: history, deployments: deployments, store: store)
    }
}
