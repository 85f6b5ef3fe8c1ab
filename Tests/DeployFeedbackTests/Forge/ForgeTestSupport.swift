import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

/// Waits asked of a ``ForgeRetryPolicy`` or a publisher, recorded instead of spent.
final class RecordedWaits: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Duration] = []

    var all: [Duration] { lock.withLock { waits } }

    /// A sleep function that records the wait and returns at once (cancellation still ends it).
    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in
            self.lock.withLock { self.waits.append(duration) }
            try Task.checkCancellation()
            await Task.yield()
        }
    }
}

extension ForgeContractServer {
    /// A client of this server's flavor with quick retries, its waits recorded in `waits`.
    func forge(token: String? = nil, waits: RecordedWaits = RecordedWaits(), requestTimeout: Duration = .seconds(10))
        -> any Forge
    {
        let policy = ForgeRetryPolicy(
            requestTimeout: requestTimeout, maxRetries: 2, initialBackoff: .seconds(1), maxBackoff: .seconds(8),
            maxRateLimitRetries: 2, maxRateLimitWait: .seconds(120), sleep: waits.sleep)
        switch flavor {
        case .github: return GitHubForge(apiBase: apiBase, token: token ?? self.token, policy: policy)
        case .gitea: return GiteaForge(apiBase: apiBase, token: token ?? self.token, policy: policy)
        }
    }

    /// Expects that every request conformed to the API description.
    func expectNoViolations(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let report = try await report()
        #expect(report.violations == [], "requests that broke the \(flavor) contract", sourceLocation: sourceLocation)
        #expect(!report.requests.isEmpty, sourceLocation: sourceLocation)
    }
}

/// Runs `body` and returns the ``ForgeError`` it throws (recording an issue when it throws none).
func forgeError<T>(_ body: () async throws(ForgeError) -> T, sourceLocation: SourceLocation = #_sourceLocation) async
    -> ForgeError?
{
    do {
        _ = try await body()
        Issue.record("expected a ForgeError", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
