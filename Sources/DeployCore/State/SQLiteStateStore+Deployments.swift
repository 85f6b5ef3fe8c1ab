import Foundation
import GRDB

extension SQLiteStateStore {
    /// Adds the `deploymentState` and `deployment` tables (additive: older tables are untouched).
    static func registerDeploymentMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-deployments") { db in
            try db.create(table: "deploymentState") { table in
                table.primaryKey("repository", .text)
                table.column("record", .jsonText).notNull()
            }
            try db.create(table: "deployment") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("repository", .text).notNull()
                table.column("revision", .text).notNull()
                table.column("outcome", .text).notNull()
                table.column("finishedAt", .datetime).notNull()
                table.column("record", .jsonText).notNull()
            }
            try db.create(index: "deploymentByRepository", on: "deployment", columns: ["repository", "id"])
        }
    }

    private static func upsert(_ state: DeploymentState, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO deploymentState (repository, record) VALUES (?, ?)
                ON CONFLICT(repository) DO UPDATE SET record = excluded.record
                """,
            arguments: [state.repository, try json(state)])
    }

    public func deploymentStates() throws(DispatcherError) -> [String: DeploymentState] {
        try storeOperation("read the deployment states") {
            try pool.read { db in
                var states: [String: DeploymentState] = [:]
                for text in try String.fetchAll(db, sql: "SELECT record FROM deploymentState") {
                    let state = try Self.decoder.decode(DeploymentState.self, from: Data(text.utf8))
                    states[state.repository] = state
                }
                return states
            }
        }
    }

    public func saveDeploymentState(_ state: DeploymentState) throws(DispatcherError) {
        try storeOperation("save the deployment state") {
            try pool.write { db in try Self.upsert(state, db) }
        }
    }

    public func recordDeployment(_ record: DeploymentRecord, state: DeploymentState) throws(DispatcherError) {
        try storeOperation("record the rollout") {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT INTO deployment (repository, revision, outcome, finishedAt, record) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        record.repository, record.revision, record.outcome.rawValue, record.finishedAt,
                        try Self.json(record),
                    ])
                try Self.upsert(state, db)
            }
        }
    }

    public func deployments(repository: String?, limit: Int) throws(DispatcherError) -> [DeploymentRecord] {
        try storeOperation("read the rollouts") {
            try pool.read { db in
                let rows: [String]
                if let repository {
                    rows = try String.fetchAll(
                        db, sql: "SELECT record FROM deployment WHERE repository = ? ORDER BY id DESC LIMIT ?",
                        arguments: [repository, max(0, limit)])
                } else {
                    rows = try String.fetchAll(
                        db, sql: "SELECT record FROM deployment ORDER BY id DESC LIMIT ?", arguments: [max(0, limit)])
                }
                return try rows.map { try Self.decoder.decode(DeploymentRecord.self, from: Data($0.utf8)) }
            }
        }
    }
}
