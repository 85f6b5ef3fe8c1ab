import Logging
import Synchronization

/// Log lines written through ``logger()``, kept in memory for tests to read.
public final class CapturedLog: Sendable {
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let storage = Mutex<[Entry]>([])

    public var entries: [Entry] { storage.withLock { $0 } }

    public init() {}

    public func logger() -> Logger {
        Logger(label: "captured") { _ in Handler(sink: self) }
    }

    /// The messages at `level` or above that carry `deploy.repo = repository`.
    public func messages(atLeast level: Logger.Level, repository: String) -> [String] {
        entries.filter { $0.level >= level && $0.metadata["deploy.repo"] == repository }.map(\.message)
    }

    fileprivate func append(_ entry: Entry) { storage.withLock { $0.append(entry) } }

    private struct Handler: LogHandler {
        let sink: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            for (key, value) in event.metadata ?? [:] { all[key] = value }
            sink.append(
                Entry(
                    level: event.level, message: "\(event.message)",
                    metadata: all.mapValues { "\($0)" }))
        }
    }
}
