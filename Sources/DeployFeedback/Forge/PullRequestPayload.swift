/// A forge's JSON shape of a pull request, which it turns into the forge-neutral ``ForgePullRequest``.
protocol PullRequestPayload: Decodable {
    var pullRequest: ForgePullRequest { get }
}

extension ForgeHTTPClient {
    /// `POST /repos/OWNER/NAME/pulls`: the same path and body on GitHub and Gitea; `payload` is the forge's shape.
    func createPullRequest<Payload: PullRequestPayload>(
        _ draft: PullRequestDraft, in repository: ForgeRepository, as payload: Payload.Type
    ) async throws(ForgeError) -> ForgePullRequest {
        let path = "/repos/\(segment(repository.owner))/\(segment(repository.name))/pulls"
        let response = try await send(
            "POST", path, json: ["title": draft.title, "body": draft.body, "head": draft.head, "base": draft.base],
            idempotent: false)
        return try decode(payload, from: response, operation: "POST \(path)").pullRequest
    }

    /// `GET /repos/OWNER/NAME/pulls/NUMBER`: the same path on GitHub and Gitea.
    func pullRequest<Payload: PullRequestPayload>(
        number: Int, in repository: ForgeRepository, as payload: Payload.Type
    ) async throws(ForgeError) -> ForgePullRequest {
        let path = "/repos/\(segment(repository.owner))/\(segment(repository.name))/pulls/\(number)"
        let response = try await send("GET", path)
        return try decode(payload, from: response, operation: "GET \(path)").pullRequest
    }
}
