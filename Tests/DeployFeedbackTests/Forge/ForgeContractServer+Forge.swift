import DeployFeedback
import DeployHTTP
import DeployTestSupport

extension ForgeContractServer {
    /// A client of this server's flavor with quick retries, its waits recorded in `waits` (as DeployHTTPTests' helper
    /// of the same name makes them).
    func forge(waits: RecordedWaits = RecordedWaits()) -> any Forge {
        let policy = HTTPRetryPolicy(
            requestTimeout: .seconds(10), maxRetries: 2, initialBackoff: .seconds(1), maxBackoff: .seconds(8),
            maxRateLimitRetries: 2, maxRateLimitWait: .seconds(120), sleep: waits.sleep)
        let kind: ForgeKind = flavor == .github ? .github : .gitea
        return ForgeEndpoint(kind: kind, apiBase: apiBase, repository: ForgeRepository(owner: "-", name: "-"))
            .forge(token: token, policy: policy)
    }
}
