import DeployFeedback
import Foundation
import Logging

/// Gitea's and Forgejo's REST API (`https://HOST/api/v1`), with `Authorization: token <token>`.
///
/// Gitea's pull-request listing has no head-branch filter, so ``pullRequests(head:base:state:in:)`` pages through
/// the listing (50 a page, at most ``maxListPages`` pages) and filters by head branch itself.
public struct GiteaForge: Forge {
    public var kind: ForgeKind { .gitea }
    public let apiBase: URL
    /// The most listing pages read when looking for a pull request by head branch.
    public var maxListPages = 20
    let client: HTTPTransport

    /// - Parameters:
    ///   - apiBase: the API root, `https://HOST/api/v1` (see ``apiBase(host:)``).
    ///   - token: an access token (sent in a header only).
    ///   - policy: timeouts, retries and rate-limit waits.
    ///   - logger: receives one debug line per request (operation and status; never headers).
    public init(
        apiBase: URL, token: String, policy: HTTPRetryPolicy = HTTPRetryPolicy(),
        logger: Logger = Logger(label: "deployctl.forge")
    ) {
        self.apiBase = apiBase
        self.client = HTTPTransport(
            baseURL: apiBase, headers: ["Authorization": "token \(token)", "Accept": "application/json"],
            secrets: [token], policy: policy, logger: logger)
    }

    /// `https://HOST/api/v1` for a Gitea or Forgejo host name (with an optional `:port`).
    public static func apiBase(host: String) -> URL? {
        URL(string: "https://\(host)/api/v1")
    }

    public func createPullRequest(_ draft: PullRequestDraft, in repository: ForgeRepository) async throws(HTTPError)
        -> ForgePullRequest
    {
        try await client.createPullRequest(draft, in: repository, as: Payload.self)
    }

    public func pullRequest(number: Int, in repository: ForgeRepository) async throws(HTTPError) -> ForgePullRequest {
        try await client.pullRequest(number: number, in: repository, as: Payload.self)
    }

    public func pullRequests(
        head: String, base: String?, state: PullRequestStateFilter, in repository: ForgeRepository
    ) async throws(HTTPError) -> [ForgePullRequest] {
        let path = client.repositoryPath(repository) + "/pulls"
        let pageSize = 50
        var found: [ForgePullRequest] = []
        for page in 1...max(1, maxListPages) {
            let response = try await client.send(
                "GET", path, query: [("state", state.rawValue), ("page", "\(page)"), ("limit", "\(pageSize)")])
            let list = try client.decode([Payload].self, from: response, method: "GET", path: path)
            found += list.map(\.pullRequest).filter { $0.head == head && (base == nil || $0.base == base) }
            if list.count < pageSize { break }
        }
        return found
    }

    public func createStatus(_ status: CommitStatus, commit: String, in repository: ForgeRepository)
        async throws(HTTPError)
    {
        try await client.createStatus(status, commit: commit, in: repository)
    }

    public func createComment(_ body: String, pullRequest number: Int, in repository: ForgeRepository)
        async throws(HTTPError)
    {
        try await client.createComment(body, pullRequest: number, in: repository)
    }

    /// The fields of Gitea's `PullRequest` publishing reads (none are required by Gitea's description).
    struct Payload: PullRequestPayload {
        struct Branch: Decodable {
            var ref: String?
            var sha: String?
        }

        var number: Int
        var title: String?
        var state: PullRequestPayloadState?
        var merged: Bool?
        var merge_commit_sha: String?
        var html_url: String?
        var created_at: String?
        var head: Branch?
        var base: Branch?

        var pullRequest: ForgePullRequest {
            let isMerged = merged ?? false
            return ForgePullRequest(
                number: number, title: title ?? "", isOpen: state == .open, merged: isMerged, head: head?.ref ?? "",
                headSHA: head?.sha, base: base?.ref ?? "", webURL: html_url,
                mergeCommitSHA: isMerged ? merge_commit_sha : nil, createdAt: forgeDate(created_at))
        }
    }
}
