import DeployFeedback
import Foundation

/// A code forge's pull-request API (GitHub, GitHub Enterprise, Gitea, Forgejo), reduced to what publishing needs.
///
/// Implementations are ``GitHubForge`` and ``GiteaForge``. Every call is one HTTP request (plus bounded retries for
/// rate limits and server errors, see ``HTTPRetryPolicy``); none of them waits for a merge.
public protocol Forge: Sendable {
    /// Which API this speaks.
    var kind: ForgeKind { get }

    /// Opens a pull request from `draft.head` into `draft.base` (both branches of `repository`).
    /// - Throws: ``HTTPError``; a request that may or may not have reached the forge is not retried (no duplicate
    ///   pull requests), so a ``HTTPError/isTransient`` error means "look for it, then try again".
    func createPullRequest(_ draft: PullRequestDraft, in repository: ForgeRepository) async throws(HTTPError)
        -> ForgePullRequest

    /// The pull request numbered `number`.
    func pullRequest(number: Int, in repository: ForgeRepository) async throws(HTTPError) -> ForgePullRequest

    /// The pull requests whose head is branch `head` of `repository` (and whose base is `base`, when given), newest
    /// first, in the given state.
    func pullRequests(
        head: String, base: String?, state: PullRequestStateFilter, in repository: ForgeRepository
    ) async throws(HTTPError) -> [ForgePullRequest]

    /// Whether pull request `number` is open, merged or closed without merging.
    func mergeState(of number: Int, in repository: ForgeRepository) async throws(HTTPError) -> PullRequestMergeState

    /// Sets a commit status (the check mark people see beside a commit or pull request).
    func createStatus(_ status: CommitStatus, commit: String, in repository: ForgeRepository) async throws(HTTPError)

    /// Adds a comment to pull request `number` (a pull request is an issue on both forges).
    func createComment(_ body: String, pullRequest number: Int, in repository: ForgeRepository) async throws(HTTPError)
}

extension Forge {
    public func mergeState(of number: Int, in repository: ForgeRepository) async throws(HTTPError)
        -> PullRequestMergeState
    {
        try await pullRequest(number: number, in: repository).mergeState
    }
}

/// What to open: a pull request from `head` into `base`.
public struct PullRequestDraft: Sendable, Hashable {
    public var title: String
    public var body: String
    /// The branch with the change (same repository).
    public var head: String
    /// The branch to merge into.
    public var base: String

    public init(title: String, body: String, head: String, base: String) {
        self.title = title
        self.body = body
        self.head = head
        self.base = base
    }
}

/// A pull request as both forges describe it (only the fields publishing reads).
public struct ForgePullRequest: Sendable, Hashable {
    public var number: Int
    public var title: String
    /// `open` or `closed` (a merged pull request is closed and ``merged``).
    public var isOpen: Bool
    public var merged: Bool
    /// The head branch name.
    public var head: String
    /// The head commit, when the forge reported it.
    public var headSHA: String?
    /// The base branch name.
    public var base: String
    /// The page people open (`html_url`).
    public var webURL: String?
    /// The merge (or squash/rebase) commit, once merged, when reported.
    public var mergeCommitSHA: String?
    /// When it was opened (the forge's clock), when reported; the merge wait is counted from here.
    public var createdAt: Date?

    public init(
        number: Int, title: String, isOpen: Bool, merged: Bool, head: String, headSHA: String? = nil, base: String,
        webURL: String? = nil, mergeCommitSHA: String? = nil, createdAt: Date? = nil
    ) {
        self.number = number
        self.title = title
        self.isOpen = isOpen
        self.merged = merged
        self.head = head
        self.headSHA = headSHA
        self.base = base
        self.webURL = webURL
        self.mergeCommitSHA = mergeCommitSHA
        self.createdAt = createdAt
    }

    /// Open, merged, or closed without merging.
    public var mergeState: PullRequestMergeState {
        if merged { return .merged(commit: mergeCommitSHA) }
        return isOpen ? .open : .closed
    }
}

/// Reads an RFC 3339 time as both forges write it (`2026-01-02T03:04:05Z`, `+01:00`, fractional seconds).
func forgeDate(_ text: String?) -> Date? {
    guard let text else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
}

/// Where a pull request stands.
public enum PullRequestMergeState: Sendable, Hashable {
    case open
    case merged(commit: String?)
    /// Closed without merging.
    case closed
}

/// Which pull requests a listing returns.
public enum PullRequestStateFilter: String, Sendable, Hashable {
    case open, closed, all
}

/// A commit status to post.
public struct CommitStatus: Sendable, Hashable {
    /// The states both forges accept.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, success, failure, error
    }

    public var state: State
    /// A short description (GitHub shows about 140 characters; longer text is cut).
    public var description: String?
    /// The label that tells this status from other systems' (default `deployctl`).
    public var context: String
    /// A link to the build log or report.
    public var targetURL: String?

    public init(state: State, description: String? = nil, context: String = "deployctl", targetURL: String? = nil) {
        self.state = state
        self.description = description.map { String($0.prefix(140)) }
        self.context = context
        self.targetURL = targetURL
    }
}
