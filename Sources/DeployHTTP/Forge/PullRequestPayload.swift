/// A forge's JSON shape of a pull request, which it turns into the forge-neutral ``ForgePullRequest``.
protocol PullRequestPayload: Decodable {
    var pullRequest: ForgePullRequest { get }
}
