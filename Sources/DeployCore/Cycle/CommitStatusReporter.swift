import DeployBuild
import DeployFeedback
import DeployGit
import DeployHTTP
import Foundation
import Logging

/// Posts a commit status for each build to the forge of the repository's remote (`DISPATCHER_COMMIT_STATUS=1`):
/// `pending` when the build starts, then `success`, `failure` or `error`.
///
/// A forge that cannot be reached never fails the cycle: the problem is logged as a warning.
struct CommitStatusReporter: Sendable {
    let manifest: Manifest
    let configuration: DispatcherConfiguration
    let logger: Logger

    /// Posts `state` for the commit `updated` is at.
    func post(_ state: CommitStatus.State, description: String, for updated: UpdatedRepository) async {
        guard let token = configuration.githubToken?.revealed, let commit = updated.head else { return }
        do {
            guard let remoteURL = try updated.owner.remoteURL(name: "origin") else { return }
            let endpoint = try ForgeRoutingPublisher.endpoint(
                remoteURL: remoteURL, repository: updated.name.rawValue, manifest: manifest,
                configuration: configuration)
            try await endpoint.forge(token: token, logger: logger).createStatus(
                CommitStatus(state: state, description: String(description.prefix(140)), context: "deployctl"),
                commit: commit.hex, in: endpoint.repository)
        } catch {
            logger.warning(
                "commit status not posted: \(error)", metadata: ["deploy.repo": "\(updated.name)"])
        }
    }

    /// The status a finished build maps to: green → success, failed tests or errors → failure, anything that
    /// stopped the build (timeout, cancellation) → error.
    static func state(for result: RepositoryBuildResult) -> CommitStatus.State {
        if result.isGreen { return .success }
        switch result.result {
        case .failed, .passed: return .failure
        case .timedOut, .cancelled, .skipped: return .error
        }
    }
}
