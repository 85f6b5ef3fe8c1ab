import DeployBuild
import DeployGit
import Foundation

/// What a publisher is asked to publish: a verified commit whose parent is the branch tip.
public struct FeedbackPublishRequest: Sendable {
    /// The target repository.
    public var repository: FeedbackRepository
    /// The managed checkout (its object database holds ``commit``).
    public var git: GitRepository
    /// The commit to publish (not yet on the branch).
    public var commit: ObjectID
    /// The branch tip the commit was made on.
    public var parent: ObjectID
    /// The target branch.
    public var branch: String
    /// The feedback id (for a pull request's branch name or title).
    public var feedbackID: String
    /// The commit message's first line.
    public var title: String
    /// The feedback's description (a pull request's body carries it).
    public var description: String = ""
    /// What verification found (a pull request's body carries it).
    public var verification: FeedbackVerification? = nil
}

/// Publishes a verified feedback commit: a direct push (``DirectPushPublisher``) or a pull request (supplied by the
/// dispatcher).
public protocol FeedbackPublisher: Sendable {
    /// Publishes `request.commit`.
    ///
    /// - Returns: where it went. When ``FeedbackPublication/updatesBranch`` is true the processor then fast-forwards
    ///   the checkout's branch to `REMOTE/BRANCH`.
    /// - Throws: ``FeedbackError/Code/publishRejected`` when the remote refused it (the branch moved: the file is
    ///   retried from the start), ``FeedbackError/Code/publish`` for network or authentication failures.
    func publish(_ request: FeedbackPublishRequest) async throws(FeedbackError) -> FeedbackPublication
}

extension FeedbackPublication {
    /// Whether the commit is now on the remote branch the checkout tracks (a direct push).
    public var updatesBranch: Bool { kind == "push" || kind == "pull-request" }
}

/// Pushes the commit straight to the branch on the remote, fast-forward only (never forced).
public struct DirectPushPublisher: FeedbackPublisher {
    /// The local branch the commit is pushed from (moved to each new commit; never checked out).
    public static let stagingBranch = "deployctl-feedback"

    public var credentials: GitCredentials
    public var timeout: Duration?

    public init(credentials: GitCredentials = .none, timeout: Duration? = .seconds(120)) {
        self.credentials = credentials
        self.timeout = timeout
    }

    public func publish(_ request: FeedbackPublishRequest) async throws(FeedbackError) -> FeedbackPublication {
        do {
            try request.git.createBranch(Self.stagingBranch, at: request.commit, force: true)
            try await request.git.push(
                branch: Self.stagingBranch, to: request.branch, remote: request.repository.remote,
                lease: .fastForwardOnly, credentials: credentials, timeout: timeout)
                CrashPoint.reach(.pushed)
        } catch {
            if error.code == .pushRejected {
                throw FeedbackError(.publishRejected, "the remote refused the push: \(error.message)")
            }
            throw FeedbackError(.publish, error.description)
        }
        let url = (try? request.git.remoteURL(name: request.repository.remote)).flatMap { $0 }.map(redactedURL)
        return FeedbackPublication(kind: "push", remote: url, ref: "refs/heads/\(request.branch)")
    }
}
