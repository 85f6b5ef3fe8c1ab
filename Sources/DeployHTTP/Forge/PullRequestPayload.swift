/// A forge's JSON shape of a pull request, which it turns into the forge-neutral ``ForgePullRequest``.
protocol PullRequestPayload: Decodable {
    var pullRequest: ForgePullRequest { get }
}

/// A pull request's `state` as the forges write it: GitHub's `pull-request` declares `open`/`closed`, its
/// `pull-request-simple` and Gitea's `StateType` only a string. Any other value decodes as ``unknown`` instead of
/// failing the answer, and is not open.
enum PullRequestPayloadState: String, Decodable, Sendable {
    case open, closed
    /// A value neither forge documents for a pull request.
    case unknown

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = Self(rawValue: text) ?? .unknown
    }
}
