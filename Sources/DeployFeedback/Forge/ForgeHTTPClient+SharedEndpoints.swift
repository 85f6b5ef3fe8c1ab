/// The endpoints GitHub and Gitea describe alike (same path, same body); each forge passes its own payload shape
/// where answers differ.
extension ForgeHTTPClient {
    /// `/repos/OWNER/NAME`, each segment percent-encoded.
    func repositoryPath(_ repository: ForgeRepository) -> String {
        "/repos/\(segment(repository.owner))/\(segment(repository.name))"
    }

    /// `POST /repos/OWNER/NAME/pulls`.
    func createPullRequest<Payload: PullRequestPayload>(
        _ draft: PullRequestDraft, in repository: ForgeRepository, as payload: Payload.Type
    ) async throws(ForgeError) -> ForgePullRequest {
        let path = repositoryPath(repository) + "/pulls"
        let response = try await send(
            "POST", path, json: ["title": draft.title, "body": draft.body, "head": draft.head, "base": draft.base],
            idempotent: false)
        return try decode(payload, from: response, operation: "POST \(path)").pullRequest
    }

    /// `GET /repos/OWNER/NAME/pulls/NUMBER`.
    func pullRequest<Payload: PullRequestPayload>(
        number: Int, in repository: ForgeRepository, as payload: Payload.Type
    ) async throws(ForgeError) -> ForgePullRequest {
        let path = repositoryPath(repository) + "/pulls/\(number)"
        let response = try await send("GET", path)
        return try decode(payload, from: response, operation: "GET \(path)").pullRequest
    }

    /// `POST /repos/OWNER/NAME/statuses/SHA`.
    func createStatus(_ status: CommitStatus, commit: String, in repository: ForgeRepository) async throws(ForgeError)
    {
        let path = repositoryPath(repository) + "/statuses/\(segment(commit))"
        var body: [String: any Sendable] = ["state": status.state.rawValue, "context": status.context]
        if let description = status.description { body["description"] = description }
        if let target = status.targetURL { body["target_url"] = target }
        _ = try await send("POST", path, json: body)
    }

    /// `POST /repos/OWNER/NAME/issues/NUMBER/comments` (a pull request is an issue on both forges).
    func createComment(_ body: String, pullRequest number: Int, in repository: ForgeRepository)
        async throws(ForgeError)
    {
        let path = repositoryPath(repository) + "/issues/\(number)/comments"
        _ = try await send("POST", path, json: ["body": body], idempotent: false)
    }
}
