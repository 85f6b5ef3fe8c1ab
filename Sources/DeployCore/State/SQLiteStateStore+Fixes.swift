import Foundation
import GRDB

extension SQLiteStateStore {
    /// Adds the `fix` table, the fix ledger (additive: older tables are untouched).
    static func registerFixMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-fixes") { db in
            try db.create(table: "fix") { table in
                table.primaryKey("file", .text)
                table.column("repository", .text).notNull()
                table.column("source", .text).notNull()
                table.column("redCommit", .text)
                table.column("commit", .text)
                table.column("tokens", .integer).notNull()
                table.column("createdAt", .datetime).notNull()
                table.column("record", .jsonText).notNull()
            }
            try db.create(index: "fixByRepository", on: "fix", columns: ["repository", "createdAt"])
        }
    }

    private static func upsert(_ record: FixRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO fix (file, repository, source, redCommit, "commit", tokens, createdAt, record)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(file) DO UPDATE SET repository = excluded.repository, source = excluded.source,
                    redCommit = excluded.redCommit, "commit" = excluded."commit", tokens = excluded.tokens,
                    record = excluded.record
                """,
            arguments: [
                record.file, record.repository, record.source.rawValue, record.redCommit, record.commit,
                record.tokens, record.createdAt, try json(record),
            ])
    }

    private static func fix(file: String, _ db: Database) throws -> FixRecord? {
        try String.fetchOne(db, sql: "SELECT record FROM fix WHERE file = ?", arguments: [file]).map {
            try decoder.decode(FixRecord.self, from: Data($0.utf8))
        }
    }

    public func saveFix(_ record: FixRecord) throws(DispatcherError) {
        try storeOperation("save a fix") {
            try pool.write { db in
                var record = record
                if let stored = try Self.fix(file: record.file, db), stored.outcome != .proposed {
                    record.outcome = stored.outcome
                    record.commit = stored.commit
                    record.secondsToGreen = stored.secondsToGreen
                    record.problems = stored.problems
                    record.reverted = stored.reverted
                }
                try Self.upsert(record, db)
            }
        }
    }

    public func recordFixOutcome(_ record: FixRecord) throws(DispatcherError) {
        try storeOperation("record a fix's outcome") {
            try pool.write { db in
                guard var stored = try Self.fix(file: record.file, db) else { return try Self.upsert(record, db) }
                stored.outcome = record.outcome
                stored.id = record.id ?? stored.id
                stored.commit = record.commit ?? stored.commit
                stored.secondsToGreen = record.secondsToGreen ?? stored.secondsToGreen
                stored.problems = record.problems ?? stored.problems
                stored.updatedAt = record.updatedAt
                try Self.upsert(stored, db)
            }
        }
    }

    public func fixes(repository: String?) throws(DispatcherError) -> [FixRecord] {
        try storeOperation("read the fix ledger") {
            try pool.read { db in
                let rows: [String]
                if let repository {
                    rows = try String.fetchAll(
                        db, sql: "SELECT record FROM fix WHERE repository = ? ORDER BY createdAt, file",
                        arguments: [repository])
                } else {
                    rows = try String.fetchAll(db, sql: "SELECT record FROM fix ORDER BY createdAt, file")
                }
                return try rows.map { try Self.decoder.decode(FixRecord.self, from: Data($0.utf8)) }
            }
        }
    }

    @discardableResult
    public func markFixesReverted(repository: String, commit: String, reason: String) throws(DispatcherError) -> Int {
        try storeOperation("mark reverted fixes") {
            try pool.write { db in
                let rows = try String.fetchAll(
                    db, sql: #"SELECT record FROM fix WHERE repository = ? AND "commit" = ?"#,
                    arguments: [repository, commit])
                var marked = 0
                for row in rows {
                    var record = try Self.decoder.decode(FixRecord.self, from: Data(row.utf8))
                    guard record.outcome == .applied, record.reverted == nil else { continue }
                    record.reverted = reason
                    record.updatedAt = Date()
                    try Self.upsert(record, db)
                    marked += 1
                }
                return marked
            }
        }
    }

    public func proposalTokens(repository: String?, redCommit: String?, since: Date?) throws(DispatcherError) -> Int {
        try storeOperation("sum the proposals' tokens") {
            try pool.read { db in
                var sql = "SELECT COALESCE(SUM(tokens), 0) FROM fix WHERE source = 'proposal'"
                var arguments: [any DatabaseValueConvertible] = []
                if let repository {
                    sql += " AND repository = ?"
                    arguments.append(repository)
                }
                if let redCommit {
                    sql += " AND redCommit = ?"
                    arguments.append(redCommit)
                }
                if let since {
                    sql += " AND createdAt >= ?"
                    arguments.append(since)
                }
                return try Int.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) ?? 0
            }
        }
    }
}
