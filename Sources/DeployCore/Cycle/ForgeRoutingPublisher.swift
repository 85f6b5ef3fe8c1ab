import DeployBuild
import DeployFeedback
import DeployGit
import DeployHTTP
import Foundation
import Logging

/// Publishes each verified feedback commit through a pull request on the forge its repository's remote lives on.
///
/// The forge kind and API root come from the manifest entry (`forge`, `forgeAPI`) when given; otherwise a remote on
/// github.com or on the host of `GITHUB_API_URL` (any port; GitHub Enterprise) is GitHub and uses `GITHUB_API_URL`,
/// and any other host is guessed by ``ForgeEndpoint/resolve(remoteURL:kind:apiBase:)`` (Gitea/Forgejo at
/// `https://HOST/api/v1` unless its name starts with `github.`).
struct ForgeRoutingPublisher: FeedbackPublisher {
    let manifest: Manifest
    let configuration: DispatcherConfiguration
    let networkTimeout: Duration
    let logger: Logger
    /// Fault injection for crash tests, handed to each pull request's publisher.
    let faults: FaultInjection

    func publish(_ request: FeedbackPublishRequest) async throws(FeedbackError) -> FeedbackPublication {
        let remoteURL: String
        do {
            guard let url = try request.git.remoteURL(name: request.repository.remote) else {
                throw FeedbackError(
                    .publish, "\(request.repository.name) has no remote '\(request.repository.remote)' to open a pull request on")
            }
            remoteURL = url
        } catch let error as FeedbackError {
            throw error
        } catch {
            throw FeedbackError(.publish, "cannot read the remote of \(request.repository.name): \(error)")
        }
        let endpoint: ForgeEndpoint
        do {
            endpoint = try Self.endpoint(
                remoteURL: remoteURL, repository: request.repository.name, manifest: manifest,
                configuration: configuration)
        } catch {
            throw FeedbackError(.publish, "cannot find the forge of \(redactedURL(remoteURL)): \(error.message)")
        }
        let forge = endpoint.forge(token: configuration.githubToken?.revealed ?? "", logger: logger)
        let publisher = PullRequestPublisher(
            forge: forge, repository: endpoint.repository,
            credentials: configuration.gitCredentials,
            options: .init(
                pollInterval: .seconds(configuration.prPollInterval), timeout: .seconds(configuration.prTimeout),
                gitTimeout: networkTimeout, commentsBuildSummary: configuration.pullRequestComment, faults: faults),
            logger: logger)
        return try await publisher.publish(request)
    }

    /// The forge endpoint of a repository's remote: the manifest's `forge`/`forgeAPI` when given; GitHub at
    /// `GITHUB_API_URL` for a remote on github.com or on `GITHUB_API_URL`'s host; else derived from the remote's host.
    static func endpoint(
        remoteURL: String, repository: String, manifest: Manifest, configuration: DispatcherConfiguration
    ) throws(HTTPError) -> ForgeEndpoint {
        let entry = (try? RepositoryName(repository)).flatMap { manifest.repository(named: $0) }
        let onGitHubAPIHost = isServed(remoteURL: remoteURL, byGitHubAPI: configuration.githubAPIURL)
        let kind = entry?.forge ?? (onGitHubAPIHost ? .github : nil)
        let apiBase = entry?.forgeAPI.flatMap(URL.init(string:))
            ?? (entry?.forge == .github || (kind == .github && onGitHubAPIHost) ? configuration.githubAPIURL : nil)
        return try ForgeEndpoint.resolve(remoteURL: remoteURL, kind: kind, apiBase: apiBase)
    }

    /// Whether `GITHUB_API_URL` is the API of the remote's host: the remote is on github.com, on the API's own host
    /// (GitHub Enterprise Server: `https://HOST/api/v3`), or on that host without a leading `api.` (github.com's
    /// `api.github.com`, GitHub Enterprise Cloud's `api.NAME.ghe.com`). Ports and users are ignored.
    static func isServed(remoteURL: String, byGitHubAPI apiURL: URL) -> Bool {
        guard let host = ForgeEndpoint.host(of: remoteURL) else { return false }
        if host == "github.com" { return true }
        guard let apiHost = apiURL.host?.lowercased() else { return false }
        return host == apiHost || "api." + host == apiHost
    }
}
