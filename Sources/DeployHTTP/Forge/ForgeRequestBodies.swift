// The JSON bodies of the forge requests, as GitHub's and Gitea's API descriptions name their fields (both accept
// the same ones; `../shared/contracts` holds the descriptions the tests check requests against).

/// `POST /repos/OWNER/NAME/pulls`: GitHub's `pulls/create`, Gitea's `CreatePullRequestOption`.
struct PullRequestCreation: Encodable, Sendable, Hashable {
    var title: String
    var body: String
    var head: String
    var base: String
}

/// `POST /repos/OWNER/NAME/statuses/SHA`: GitHub's `repos/create-commit-status`, Gitea's `CreateStatusOption`.
/// Absent optional fields are left out, not sent as `null`.
struct CommitStatusCreation: Encodable, Sendable, Hashable {
    var state: String
    var context: String
    var description: String?
    var targetURL: String?

    enum CodingKeys: String, CodingKey {
        case state, context, description
        case targetURL = "target_url"
    }
}

/// `POST /repos/OWNER/NAME/issues/NUMBER/comments`: GitHub's `issues/create-comment`, Gitea's `CreateIssueCommentOption`.
struct CommentCreation: Encodable, Sendable, Hashable {
    var body: String
}
