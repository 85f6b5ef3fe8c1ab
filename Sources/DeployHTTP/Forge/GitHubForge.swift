import DeployFeedback
import Foundation
import Logging

/// GitHub's REST API (github.com and GitHub Enterprise Server).
///
/// Requests carry `Authorization: Bearer <token>`, `Accept: application/vnd.github+json` and
/// `X-GitHub-Api-Version: 2022-11-28`. The API base is `GITHUB_API_URL` (what GitHub's own runners set;
/// `https://HOST/api/v3` for Enterprise), by default `https://api.github.com`.
public struct GitHubForge: Forge {
    /// The public API.
    public static let defaultAPIBase = URL(string: "https://api.github.com")!

    public var kind: ForgeKind { .github }
    public let apiBase: URL
    let client: HTTPTransport

    /// - Parameters:
    ///   - apiBase: the API root (`GITHUB_API_URL`).
    ///   - token: a personal access, fine-grained or app installation token (sent in a header only).
    ///   - policy: timeouts, retries and rate-limit waits.
    ///   - logger: receives one debug line per request (operation and status; never headers).
    public init(
        apiBase: URL = GitHubForge.defaultAPIBase, token: String, policy: HTTPRetryPolicy = HTTPRetryPolicy(),
        logger: Logger = Logger(label: "deployctl.forge")
    ) {
        self.apiBase = apiBase
        self.client = HTTPTransport(
            baseURL: apiBase,
            headers: [
                "Authorization": "Bearer \(token)", "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            ],
            secrets: [token], policy: policy, logger: logger)
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
        var query = [("state", state.rawValue), ("head", "\(repository.owner):\(head)"), ("per_page", "100")]
        if let base { query.append(("base", base)) }
        let response = try await client.send("GET", path, query: query)
        let list = try client.decode([Payload].self, from: response, method: "GET", path: path)
        // The filter is the forge's; keep only exact matches in case a forge ignores it.
        return list.map(\.pullRequest).filter { $0.head == head && (base == nil || $0.base == base) }
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

    /// The fields of `pull-request` / `pull-request-simple` publishing reads (`merged` is only in the former).
    struct Payload: PullRequestPayload {
        struct Branch: Decodable {
            var ref: String
            var sha: String?
        }

        var number: Int
        var title: String
        var state: PullRequestPayloadState
        var merged: Bool?
        var merged_at: String?
        var merge_commit_sha: String?
        var html_url: String?
        var created_at: String?
        var head: Branch
        var base: Branch

        var pullRequest: ForgePullRequest {
            let isMerged = merged ?? (merged_at != nil)
            return ForgePullRequest(
                number: number, title: title, isOpen: state == .open, merged: isMerged, head: head.ref,
                headSHA: head.sha, base: base.ref, webURL: html_url, mergeCommitSHA: isMerged ? merge_commit_sha : nil,
                createdAt: forgeDate(created_at))
        }
    }
}

/// A path segment with everything but unreserved characters percent-encoded.
func segment(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}
