import DeployGit
import Foundation

/// Publishes through another publisher, except for a repository without the remote to publish to (a deploy root
/// that was never pushed anywhere, a local-only checkout): there the verified commit is fast-forwarded onto the
/// checkout's branch and recorded as committed, not published (``FeedbackPublication/Kind/local``).
///
/// Publishing again after a crash finds the branch already at the commit, which changes nothing.
public struct LocalOnlyFallbackPublisher: FeedbackPublisher {
    /// The publisher used for repositories that have the remote.
    public var publisher: any FeedbackPublisher

    public init(_ publisher: any FeedbackPublisher) {
        self.publisher = publisher
    }

    public var raceRetries: Int { publisher.raceRetries }

    public func catchUp(_ repository: FeedbackRepository, git: GitRepository) async throws(FeedbackError) {
        try await publisher.catchUp(repository, git: git)
    }

    public func publish(_ request: FeedbackPublishRequest) async throws(FeedbackError) -> FeedbackPublication {
        let remote: String?
        do { remote = try request.git.remoteURL(name: request.repository.remote) } catch {
            throw FeedbackError(.git, "cannot read the remotes of \(request.repository.name): \(error.message)")
        }
        guard remote == nil else { return try await publisher.publish(request) }
        let outcome: UpdateOutcome
        do { outcome = try request.git.fastForward(branch: request.branch, toCommit: request.commit) } catch {
            throw FeedbackError(.git, error.description)
        }
        if case .blocked(let reason) = outcome {
            throw FeedbackError(
                .git, "the verified commit cannot be put on \(request.branch) of \(request.repository.name): \(reason)")
        }
        return FeedbackPublication(
            kind: .local, ref: "refs/heads/\(request.branch)",
            note: "the repository has no remote '\(request.repository.remote)'")
    }
}
