import DeployBuild
import DeployCore
import Foundation
import Hummingbird

/// `/healthz`, `/readyz` and the read-only status API: `/api/v1/status` (exactly `status --json`),
/// `/api/v1/repositories/NAME` (its entry and last build report) and `/api/v1/repositories/NAME/log?tail=N`.
struct StatusRoutes: Sendable {
    let root: DeployRoot
    let readiness: LoopReadiness
    let store: OpenStore

    /// Lines of the log answered when `tail` is not given, and the most answered.
    static let defaultTail = 100
    static let maximumTail = 10_000
    /// The most of a log's end read to find its last lines.
    static let maximumTailBytes = 8 << 20

    /// The repository and its last build's report (diagnostics, tests), as `/api/v1/repositories/NAME` answers.
    struct RepositoryDetail: Encodable {
        var repository: StatusReport.Repository
        var report: BuildReport?
    }

    func add(to router: Router<BasicRequestContext>) {
        router.get("healthz") { _, _ in HTTPAnswer.text("ok\n") }
        router.get("readyz") { _, _ in
            if let reason = readiness.notReadyReason { return HTTPAnswer.text("not ready: \(reason)\n", status: .serviceUnavailable) }
            return HTTPAnswer.text("ready\n")
        }
        router.get("api/v1/status") { _, _ in
            do throws(DispatcherError) { return HTTPAnswer.json(try store.status()) } catch {
                return HTTPAnswer.error(.internalServerError, error.description)
            }
        }
        router.get("api/v1/repositories/:name") { _, context in
            let (name, found) = try lookUp(context)
            guard let repository = found else { return Self.unknown(name) }
            let state = try? store.store?.repositoryStates()[name]
            let report = state?.lastBuild?.reportJSON.flatMap {
                try? JSONDecoder().decode(BuildReport.self, from: Data($0.utf8))
            }
            return HTTPAnswer.json(RepositoryDetail(repository: repository, report: report))
        }
        router.get("api/v1/repositories/:name/log") { request, context in
            let (name, found) = try lookUp(context)
            guard let repository = found else { return Self.unknown(name) }
            let tailText = request.uri.queryParameters.get("tail")
            let tail = tailText.map { Int($0) } ?? Self.defaultTail
            guard let tail, (1...Self.maximumTail).contains(tail) else {
                return HTTPAnswer.error(
                    .badRequest, "tail: found '\(tailText ?? "")'; accepted: a whole number from 1 to \(Self.maximumTail)")
            }
            guard let log = repository.lastBuild?.log, FileManager.default.isReadableFile(atPath: log) else {
                return HTTPAnswer.error(.notFound, "\(name) has no cycle log yet")
            }
            return HTTPAnswer.text(Self.lastLines(tail, of: URL(fileURLWithPath: log)))
        }
    }

    /// The named repository's status entry, if this root manages it; a name that is not a repository name is not
    /// looked up at all.
    private func lookUp(_ context: BasicRequestContext) throws -> (String, StatusReport.Repository?) {
        let name = context.parameters.get("name") ?? ""
        guard RepositoryName.isValid(name) else { return (name, nil) }
        let report = try? store.status()
        return (name, report?.repos.first { $0.name == name })
    }

    private static func unknown(_ name: String) -> Response {
        HTTPAnswer.error(.notFound, "no managed repository named '\(name.prefix(100))'")
    }

    /// The last `count` lines of `file`, read from its end (at most ``maximumTailBytes``).
    static func lastLines(_ count: Int, of file: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(maximumTailBytes) ? size - UInt64(maximumTailBytes) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        if start > 0, !lines.isEmpty { lines.removeFirst() }
        return lines.suffix(count).joined(separator: "\n") + "\n"
    }
}
