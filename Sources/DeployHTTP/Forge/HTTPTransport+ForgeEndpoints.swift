/// The endpoints GitHub and Gitea describe alike (same path, same body); each forge passes its own payload shape
/// where answers differ.
extension HTTPTransport {
    /// `/repos/OWNER/NAME`, each segment percent-encoded.
    func repositoryPath(_ repository: ForgeRepository) -> String {
        "/repos/\(segment(repository.owner))/\(segment(repository.name))"
    }

    /// `POST /repos/OWNER/NAME/pulls`.
    func createPullRequest<Payload: PullRequestPayload>(
        _ draft: PullRequestDraft, in repository: ForgeRepository, as payload: Payload.Type
    ) async throws(HTTPError) -> ForgePullRequest {
        let path = repositoryPath(repository) + "/pulls"
        let body = PullRequestCreation(title: draft.title, body: draft.body, head: draft.head, base: draft.base)
        let response = try await send("POST", path, json: body, idempotent: false)
        return try decode(payload, from: response, method: "POST", path: path).pullRequest
    }

    /// `GET /repos/OWNER/NAME/pulls/NUMBER`.
    func pullRequest<Payload: PullRequestPayload>(
        number: Int, in repository: ForgeRepository, as payload: Payload.Type
    ) async throws(HTTPError) -> ForgePullRequest {
        let path = repositoryPath(repository) + "/pulls/\(number)"
        let response = try await send("GET", path)
        return try decode(payload, from: response, method: "GET", path: path).pullRequest
    }

    /// `POST /repos/OWNER/NAME/statuses/SHA`.
    func createStatus(_ status: CommitStatus, commit: String, in repository: ForgeRepository) async throws(HTTPError)
    {
        let path = repositoryPath(repository) + "/statuses/\(segment(commit))"
        let body = CommitStatusCreation(
            state: status.state.rawValue, context: status.context, description: status.description,
            targetURL: status.targetURL)
        _ = try await send("POST", path, json: body)
    }

    /// `POST /repos/OWNER/NAME/issues/NUMBER/comments` (a pull request is an issue on both forges).
    func createComment(_ body: String, pullRequest number: Int, in repository: ForgeRepository)
        async throws(HTTPError)
    {
        let path = repositoryPath(repository) + "/issues/\(number)/comments"
        _ = try await send("POST", path, json: CommentCreation(body: body), idempotent: false)
    }
}
