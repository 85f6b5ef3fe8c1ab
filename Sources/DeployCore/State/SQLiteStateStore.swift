import DeployBuild
import Foundation
import GRDB

/// The embedded state store: an SQLite file (`deploy/state.sqlite`) through GRDB.
///
/// The database runs in WAL mode through a `DatabasePool`, so `deployctl status` reads while `deployctl loop` writes.
/// The schema is created and upgraded by migrations. Each cycle is one transaction.
public final class SQLiteStateStore: StateStore {
    let pool: DatabasePool
    public let url: URL
    /// Fault injection for crash tests (``record(_:states:)`` reaches `FaultPoint.stateWriting` before it commits).
    let faults: FaultInjection

    /// Opens (creating and migrating when needed) the store at `url`.
    /// - Parameters:
    ///   - url: the SQLite file.
    ///   - faults: fault injection for crash tests; the default injects nothing.
    /// - Throws: ``DispatcherError`` with code `store` when the file cannot be created, opened or migrated.
    public init(url: URL, faults: FaultInjection = FaultInjection()) throws(DispatcherError) {
        self.url = url
        self.faults = faults
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        pool = try Self.storeOperation("open", url: url) {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            return try Self.opening(url) {
                let pool = try DatabasePool(path: url.path, configuration: configuration)
                try Self.migrator.migrate(pool)
                return pool
            }
        }
    }

    /// Runs one operation on the store; any failure is a ``DispatcherError`` naming the store and the operation.
    func storeOperation<T>(_ operation: String, _ body: () throws -> T) throws(DispatcherError) -> T {
        try Self.storeOperation(operation, url: url, body)
    }

    private static func storeOperation<T>(_ operation: String, url: URL, _ body: () throws -> T)
        throws(DispatcherError) -> T
    {
        do {
            return try body()
        } catch let error as DispatcherError {
            throw error
        } catch {
            throw DispatcherError(
                .store, location: url.path, found: "could not \(operation): \(error)",
                accepted: "a state store deployctl can read and write (move a damaged one aside to start afresh)")
        }
    }

    /// Runs `body` (opening the pool, which switches a new file to WAL, and migrating) holding an exclusive `flock`
    /// on `STORE-migrate.lock` beside the store. Two processes opening a new store at once (`status` while `loop`
    /// starts) would otherwise both create the first tables — GRDB's migrator decides what to apply before it takes
    /// SQLite's write lock ("table cycle already exists") — or fail to switch the journal ("database is locked").
    private static func opening<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        let lockPath = url.path + "-migrate.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Opens an existing store read-only, or returns nil when none exists (a root that never ran).
    public static func openExisting(at url: URL) throws(DispatcherError) -> SQLiteStateStore? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try SQLiteStateStore(url: url)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "cycle") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("startedAt", .datetime).notNull()
                table.column("finishedAt", .datetime).notNull()
                table.column("trigger", .text).notNull()
                table.column("result", .text).notNull()
                table.column("log", .text)
            }
            try db.create(table: "repositoryResult") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("cycle", onDelete: .cascade).notNull()
                table.column("repository", .text).notNull()
                table.column("outcome", .text).notNull()
                table.column("buildResult", .text)
                table.column("finishedAt", .datetime).notNull()
                table.column("record", .jsonText).notNull()
            }
            try db.create(index: "repositoryResultByRepository", on: "repositoryResult", columns: ["repository", "id"])
            try db.create(table: "repositoryState") { table in
                table.primaryKey("repository", .text)
                table.column("latestResultId", .integer).references("repositoryResult")
                table.column("lastBuildResultId", .integer).references("repositoryResult")
                table.column("consecutiveFailures", .integer).notNull().defaults(to: 0)
                table.column("nextAttemptAt", .datetime)
            }
            try db.create(table: "feedbackEvent") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("cycle", onDelete: .cascade).notNull()
                table.column("file", .text).notNull()
                table.column("feedbackId", .text)
                table.column("outcome", .text).notNull()
                table.column("record", .jsonText).notNull()
            }
            try db.create(table: "health") { table in
                table.primaryKey("id", .integer)
                table.column("record", .jsonText).notNull()
            }
        }
        registerProposalMigration(&migrator)
        registerDeploymentMigration(&migrator)
        registerFixMigration(&migrator)
        return migrator
    }

    /// How records are written to their JSON columns (ISO 8601 dates, sorted keys), by every table of the store.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// How records are read from their JSON columns.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    @discardableResult
    public func record(_ cycle: CycleRecord, states: [RepositoryState]) throws(DispatcherError) -> Int64 {
        try storeOperation("record the cycle") {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT INTO cycle (startedAt, finishedAt, trigger, result, log) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        cycle.startedAt, cycle.finishedAt, cycle.trigger.rawValue, cycle.result.rawValue, cycle.log,
                    ])
                let cycleID = db.lastInsertedRowID
                var resultIDs: [String: Int64] = [:]
                for repository in cycle.repositories {
                    try db.execute(
                        sql: """
                            INSERT INTO repositoryResult (cycleId, repository, outcome, buildResult, finishedAt, record)
                            VALUES (?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            cycleID, repository.repository, repository.outcome.rawValue, repository.buildResult?.rawValue,
                            repository.finishedAt, try Self.json(repository),
                        ])
                    resultIDs[repository.repository] = db.lastInsertedRowID
                }
                for event in cycle.feedback {
                    try db.execute(
                        sql: "INSERT INTO feedbackEvent (cycleId, file, feedbackId, outcome, record) VALUES (?, ?, ?, ?, ?)",
                        arguments: [cycleID, event.file, event.feedbackID, event.outcome.rawValue, try Self.json(event)])
                }
                for state in states {
                    let latestID = resultIDs[state.repository]
                    let built = cycle.repositories.first { $0.repository == state.repository }?.outcome == .built
                    try db.execute(
                        sql: """
                            INSERT INTO repositoryState
                                (repository, latestResultId, lastBuildResultId, consecutiveFailures, nextAttemptAt)
                            VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT(repository) DO UPDATE SET
                                latestResultId = COALESCE(excluded.latestResultId, latestResultId),
                                lastBuildResultId = COALESCE(excluded.lastBuildResultId, lastBuildResultId),
                                consecutiveFailures = excluded.consecutiveFailures,
                                nextAttemptAt = excluded.nextAttemptAt
                            """,
                        arguments: [
                            state.repository, latestID, built ? latestID : nil, state.consecutiveFailures,
                            state.nextAttemptAt,
                        ])
                }
                faults.reach(.stateWriting)
                return cycleID
            }
        }
    }

    public func repositoryStates() throws(DispatcherError) -> [String: RepositoryState] {
        try storeOperation("read the repository states") {
            try pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.repository, s.consecutiveFailures, s.nextAttemptAt,
                               latest.record AS latestRecord, build.record AS buildRecord
                        FROM repositoryState s
                        LEFT JOIN repositoryResult latest ON latest.id = s.latestResultId
                        LEFT JOIN repositoryResult build ON build.id = s.lastBuildResultId
                        """)
                var states: [String: RepositoryState] = [:]
                for row in rows {
                    let name: String = row["repository"]
                    let latestText: String? = row["latestRecord"]
                    let buildText: String? = row["buildRecord"]
                    states[name] = RepositoryState(
                        repository: name,
                        latest: try latestText.map { try Self.decode(RepositoryCycleRecord.self, $0) },
                        lastBuild: try buildText.map { try Self.decode(RepositoryCycleRecord.self, $0) },
                        consecutiveFailures: row["consecutiveFailures"],
                        nextAttemptAt: row["nextAttemptAt"])
                }
                return states
            }
        }
    }

    public func history(limit: Int) throws(DispatcherError) -> [StoredCycle] {
        try storeOperation("read the history") {
            try cycles(sql: "SELECT * FROM cycle ORDER BY id DESC LIMIT ?", arguments: [max(0, limit)])
        }
    }

    public func lastCycle(excludingTrigger trigger: CycleRecord.Trigger) throws(DispatcherError) -> StoredCycle? {
        try storeOperation("read the last cycle") {
            try cycles(
                sql: "SELECT * FROM cycle WHERE trigger != ? ORDER BY id DESC LIMIT 1", arguments: [trigger.rawValue]
            ).first
        }
    }

    private func cycles(sql: String, arguments: StatementArguments) throws -> [StoredCycle] {
        try pool.read { db in
            let cycles = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return try cycles.map { row in
                let id: Int64 = row["id"]
                let repositories = try String.fetchAll(
                    db, sql: "SELECT record FROM repositoryResult WHERE cycleId = ? ORDER BY id", arguments: [id]
                ).map { try Self.decode(RepositoryCycleRecord.self, $0) }
                let feedback = try String.fetchAll(
                    db, sql: "SELECT record FROM feedbackEvent WHERE cycleId = ? ORDER BY id", arguments: [id]
                ).map { try Self.decode(FeedbackEventRecord.self, $0) }
                let trigger: String = row["trigger"]
                let result: String = row["result"]
                guard let storedTrigger = CycleRecord.Trigger(rawValue: trigger) else {
                    throw Self.unreadable("trigger", trigger, of: id, accepted: CycleRecord.Trigger.allCases)
                }
                guard let storedResult = CycleRecord.Result(stored: result, feedback: feedback) else {
                    throw Self.unreadable("result", result, of: id, accepted: CycleRecord.Result.allCases)
                }
                return StoredCycle(
                    id: id,
                    record: CycleRecord(
                        startedAt: row["startedAt"], finishedAt: row["finishedAt"], trigger: storedTrigger,
                        result: storedResult, repositories: repositories, feedback: feedback, log: row["log"]))
            }
        }
    }

    /// The error for a stored spelling that is none of a column's values (a store written by a newer version).
    private static func unreadable<Value: RawRepresentable<String>>(
        _ column: String, _ stored: String, of cycle: Int64, accepted: [Value]
    ) -> DecodingError {
        DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: [],
                debugDescription: "cycle \(cycle) has the \(column) '\(stored)', which is none of "
                    + accepted.map(\.rawValue).joined(separator: ", ")))
    }

    public func updateHealth(_ health: DispatcherHealth) throws(DispatcherError) {
        try storeOperation("write the loop's health") {
            let text = try Self.json(health)
            try pool.write { db in
                try db.execute(
                    sql: "INSERT INTO health (id, record) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record",
                    arguments: [text])
            }
        }
    }

    public func health() throws(DispatcherError) -> DispatcherHealth? {
        try storeOperation("read the loop's health") {
            try pool.read { db in
                try String.fetchOne(db, sql: "SELECT record FROM health WHERE id = 1")
                    .map { try Self.decode(DispatcherHealth.self, $0) }
            }
        }
    }

    public func cycleCount() throws(DispatcherError) -> Int {
        try storeOperation("count the cycles") {
            try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cycle") ?? 0 }
        }
    }
}
