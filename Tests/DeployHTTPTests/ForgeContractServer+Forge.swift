import DeployFeedback
import DeployTestSupport
import Foundation
import Testing

@testable import DeployHTTP

extension ForgeContractServer {
    /// A client of this server's flavor with quick retries, its waits recorded in `waits` (DeployFeedbackTests has
    /// the same helper for its processor-and-publisher tests).
    func forge(token: String? = nil, waits: RecordedWaits = RecordedWaits(), requestTimeout: Duration = .seconds(10))
        -> any Forge
    {
        let policy = HTTPRetryPolicy(
            requestTimeout: requestTimeout, maxRetries: 2, initialBackoff: .seconds(1), maxBackoff: .seconds(8),
            maxRateLimitRetries: 2, maxRateLimitWait: .seconds(120), sleep: waits.sleep)
        switch flavor {
        case .github: return GitHubForge(apiBase: apiBase, token: token ?? self.token, policy: policy)
        case .gitea: return GiteaForge(apiBase: apiBase, token: token ?? self.token, policy: policy)
        }
    }
}

/// Runs `body` and returns the ``HTTPError`` it throws (recording an issue when it throws none).
func httpError<T>(_ body: () async throws(HTTPError) -> T, sourceLocation: SourceLocation = #_sourceLocation) async
    -> HTTPError?
{
    do {
        _ = try await body()
        Issue.record("expected a HTTPError", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
