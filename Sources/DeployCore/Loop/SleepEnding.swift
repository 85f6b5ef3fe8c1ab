/// What ended one of `deployctl loop`'s sleeps between cycles (``DispatcherService``).
enum SleepEnding: Sendable, Hashable {
    /// The interval passed.
    case interval
    /// A wake-up arrived (SIGHUP, ``DispatcherService/wake()``, applied feedback, a new feedback file).
    case wake
    /// Graceful shutdown began (or the sleep was cancelled).
    case shutdown

    /// The trigger of the cycle this ending starts; nil for ``shutdown``, which starts none.
    var trigger: CycleRecord.Trigger? {
        switch self {
        case .interval: .interval
        case .wake: .wake
        case .shutdown: nil
        }
    }
}
