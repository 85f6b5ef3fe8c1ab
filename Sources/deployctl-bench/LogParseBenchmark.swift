import DeployBuild

/// Owned by the DeployBuild work: parse a large log, streaming.
enum LogParseBenchmark {
    static func run(_ arguments: [String]) async throws {
        fatalError("parse-log benchmark not written yet")
    }
}
