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

    /// How many times, after the remote refused a publish (``FeedbackError/Code/publishRejected``), the processor
    /// catches up (``catchUp(_:git:)``), re-applies and re-verifies the feedback on the new tip and publishes again,
    /// in the same run, before it rejects the file. 0 (the default): the first refusal rejects.
    var raceRetries: Int { get }

    /// Brings the checkout's branch up to the remote's tip after a refused publish (fetch, then fast-forward).
    ///
    /// - Throws: ``FeedbackError/Code/publish`` when the fetch fails, ``FeedbackError/Code/git`` when the checkout
    ///   cannot be fast-forwarded (local changes in the way); both leave the file claimed for the next run.
    func catchUp(_ repository: FeedbackRepository, git: GitRepository) async throws(FeedbackError)
}

extension FeedbackPublisher {
    public var raceRetries: Int { 0 }

    public func catchUp(_ repository: FeedbackRepository, git: GitRepository) async throws(FeedbackError) {}
}

extension FeedbackPublication {
    /// Whether the commit is now on the remote branch the checkout tracks (a direct push, or a merged pull request).
    public var updatesBranch: Bool { kind == .push || kind == .pullRequest }
}

/// Pushes the commit straight to the branch on the remote, fast-forward only (never forced).
public struct DirectPushPublisher: FeedbackPublisher {
    /// The local branch the commit is pushed from (moved to each new commit; never checked out).
    public static let stagingBranch = "deployctl-feedback"

    /// The default of ``raceRetries``: a push refused because someone pushed meanwhile is retried three times.
    /// Each retry costs a fetch and a verification (minutes with a build), and a branch that moves between four
    /// consecutive verified pushes is busy enough that a person should look.
    public static let defaultRaceRetries = 3

    public var credentials: GitCredentials
    public var timeout: Duration?
    public var raceRetries: Int
    /// Fault injection for crash tests (``FaultPoint/pushed``); the default injects nothing.
    public var faults: FaultInjection

    public init(
        credentials: GitCredentials = .none, timeout: Duration? = .seconds(120),
        raceRetries: Int = DirectPushPublisher.defaultRaceRetries, faults: FaultInjection = FaultInjection()
    ) {
        self.credentials = credentials
        self.timeout = timeout
        self.raceRetries = raceRetries
        self.faults = faults
    }

    public func catchUp(_ repository: FeedbackRepository, git: GitRepository) async throws(FeedbackError) {
        do {
            try await git.fetch(remote: repository.remote, credentials: credentials, timeout: timeout)
        } catch {
            throw FeedbackError(.publish, "fetching \(repository.remote) after a refused push failed: \(error.message)")
        }
        let outcome: UpdateOutcome
        do { outcome = try git.fastForward(branch: repository.branch, to: "\(repository.remote)/\(repository.branch)") }
        catch { throw FeedbackError(.git, error.description) }
        if case .blocked(let reason) = outcome {
            throw FeedbackError(
                .git, "the checkout cannot follow \(repository.remote)/\(repository.branch) after a refused push: \(reason)")
        }
    }

    public func publish(_ request: FeedbackPublishRequest) async throws(FeedbackError) -> FeedbackPublication {
        do {
            try request.git.createBranch(Self.stagingBranch, at: request.commit, force: true)
            try await request.git.push(
                branch: Self.stagingBranch, to: request.branch, remote: request.repository.remote,
                lease: .fastForwardOnly, credentials: credentials, timeout: timeout)
            faults.reach(.pushed)
        } catch {
            if error.code == .pushRejected {
                throw FeedbackError(.publishRejected, "the remote refused the push: \(error.message)")
            }
            throw FeedbackError(.publish, error.description)
        }
        let url = (try? request.git.remoteURL(name: request.repository.remote)).flatMap { $0 }.map(redactedURL)
        return FeedbackPublication(kind: .push, remote: url, ref: "refs/heads/\(request.branch)")
    }
}
