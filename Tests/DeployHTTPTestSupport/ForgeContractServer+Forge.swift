import DeployFeedback
import DeployHTTP
import DeployTestSupport
import Foundation

extension ForgeContractServer {
    /// A client of this server's flavor, made the way a dispatcher makes one (``ForgeEndpoint/forge(token:policy:)``),
    /// with quick retries and its waits recorded in `waits` instead of spent.
    ///
    /// Here rather than in DeployTestSupport, which stays free of DeployHTTP (and so of AsyncHTTPClient and NIO) for
    /// the test targets that do not speak HTTP.
    /// - Parameters:
    ///   - token: the token sent; by default the server's own.
    ///   - requestTimeout: the deadline of each exchange.
    public func forge(
        token: String? = nil, waits: RecordedWaits = RecordedWaits(), requestTimeout: Duration = .seconds(10)
    ) -> any Forge {
        let policy = HTTPRetryPolicy(
            requestTimeout: requestTimeout, maxRetries: 2, initialBackoff: .seconds(1), maxBackoff: .seconds(8),
            maxRateLimitRetries: 2, maxRateLimitWait: .seconds(120), sleep: waits.sleep)
        let kind: ForgeKind = flavor == .github ? .github : .gitea
        return ForgeEndpoint(kind: kind, apiBase: apiBase, repository: ForgeRepository(owner: "-", name: "-"))
            .forge(token: token ?? self.token, policy: policy)
    }
}
