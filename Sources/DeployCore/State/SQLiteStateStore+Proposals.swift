import DeployBuild
import Foundation
import GRDB

extension SQLiteStateStore {
    /// Adds the `proposalAttempt` table (additive: older tables are untouched).
    static func registerProposalMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-proposal-attempts") { db in
            try db.create(table: "proposalAttempt") { table in
                table.column("repository", .text).notNull()
                table.column("commitId", .text).notNull()
                table.column("attempt", .integer).notNull()
                table.column("outcome", .text).notNull()
                table.column("record", .jsonText).notNull()
                table.primaryKey(["repository", "commitId", "attempt"])
            }
        }
    }

    public func saveProposalAttempt(_ attempt: ProposalAttemptRecord) throws(DispatcherError) {
        try storeOperation("save a proposal attempt") {
            let text = String(decoding: try Self.encoder.encode(attempt), as: UTF8.self)
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO proposalAttempt (repository, commitId, attempt, outcome, record) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(repository, commitId, attempt) DO UPDATE SET
                            outcome = excluded.outcome, record = excluded.record
                        """,
                    arguments: [attempt.repository, attempt.commit, attempt.attempt, attempt.outcome.rawValue, text])
            }
        }
    }

    public func proposalAttempts(repository: String, commit: String) throws(DispatcherError) -> [ProposalAttemptRecord] {
        try storeOperation("read the proposal attempts") {
            try pool.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT record FROM proposalAttempt WHERE repository = ? AND commitId = ? ORDER BY attempt",
                    arguments: [repository, commit]
                ).map { try Self.decoder.decode(ProposalAttemptRecord.self, from: Data($0.utf8)) }
            }
        }
    }

    public func lastGreenBuild(repository: String) throws(DispatcherError) -> RepositoryCycleRecord? {
        try storeOperation("read the last green build") {
            let green = RecordedBuildResult.allCases.filter(\.passedEventually).map(\.rawValue)
            return try pool.read { db in
                try String.fetchOne(
                    db,
                    sql: """
                        SELECT record FROM repositoryResult
                        WHERE repository = ? AND buildResult IN (\(databaseQuestionMarks(count: green.count)))
                        ORDER BY id DESC LIMIT 1
                        """,
                    arguments: StatementArguments([repository] + green)
                ).map { try Self.decoder.decode(RepositoryCycleRecord.self, from: Data($0.utf8)) }
            }
        }
    }
}
