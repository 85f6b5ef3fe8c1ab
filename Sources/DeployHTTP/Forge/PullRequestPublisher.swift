import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging

/// Publishes a verified feedback commit through a pull request and waits until people merge or close it.
///
/// 1. Pushes the commit to branch `deployctl/<feedback-id>` (``branchName(for:)``, the same on every retry) with
///    force-with-lease: the push overwrites that branch only if it still holds what this checkout last saw there.
/// 2. Looks for an open pull request from that branch (or one already merged with this very commit) before opening
///    one, so a retried publish never opens a second pull request.
/// 3. Polls the pull request every ``Options/pollInterval`` until it is merged or closed, or ``Options/timeout``
///    passes; rate limits and transient forge failures only delay the next poll.
/// 4. After a merge, fetches the remote so that `REMOTE/BRANCH` holds the merge, and returns a publication of kind
///    `pull-request` (the processor then fast-forwards the checkout, once ``FeedbackPublication/updatesBranch``
///    counts that kind).
///
/// A pull request closed without merging ends the feedback as rejected (``FeedbackError/Code/pullRequestClosed``),
/// and so does the timeout (``FeedbackError/Code/pullRequestTimedOut``). Push, authentication and forge failures
/// throw ``FeedbackError/Code/publish`` (the file is retried later). Cancelling the calling task ends the wait.
public struct PullRequestPublisher: FeedbackPublisher {
    /// Waiting and pushing settings.
    public struct Options: Sendable {
        /// Time between merge polls (`DISPATCHER_PR_POLL_INTERVAL`, default 30 s).
        public var pollInterval: Duration
        /// How long to wait for a merge or close (`DISPATCHER_PR_TIMEOUT`, default 86,400 s).
        public var timeout: Duration
        /// Time limit of the push and of the fetch after the merge.
        public var gitTimeout: Duration?
        /// Tries at opening the pull request when the forge fails transiently (each try first looks for it).
        public var createAttempts: Int
        /// Waits between polls (the default `Task.sleep`; tests record instead).
        public var sleep: @Sendable (Duration) async throws -> Void
        /// Comment on a pull request this publisher opens with the build summary (``PullRequestComment``;
        /// `DISPATCHER_PR_COMMENT`). A pull request found from an earlier try gets no second comment, and a failed
        /// comment is logged, never a reason to fail the publish.
        public var commentsBuildSummary: Bool
        /// Fault injection for crash tests (``FaultPoint/pullRequestWaiting``); the default injects nothing.
        public var faults: FaultInjection

        public init(
            pollInterval: Duration = .seconds(30),
            timeout: Duration = .seconds(86_400),
            gitTimeout: Duration? = .seconds(120),
            createAttempts: Int = 3,
            sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
            commentsBuildSummary: Bool = true,
            faults: FaultInjection = FaultInjection()
        ) {
            self.faults = faults
            self.commentsBuildSummary = commentsBuildSummary
            self.pollInterval = pollInterval
            self.timeout = timeout
            self.gitTimeout = gitTimeout
            self.createAttempts = createAttempts
            self.sleep = sleep
        }
    }


    public var forge: any Forge
    /// The forge repository; `nil` reads it from the remote's URL (last two path segments).
    public var repository: ForgeRepository?
    /// Credentials for the push and the fetch (the forge token is the forge's own).
    public var credentials: GitCredentials
    public var options: Options
    let logger: Logger

    public init(
        forge: any Forge, repository: ForgeRepository? = nil, credentials: GitCredentials = .none,
        options: Options = Options(), logger: Logger = Logger(label: "deployctl.publish")
    ) {
        self.forge = forge
        self.repository = repository
        self.credentials = credentials
        self.options = options
        self.logger = logger
    }

    /// The pull request branch of a feedback id: `deployctl/<id>`, with characters git refuses in ref names
    /// (`:` and `..`, a trailing `.` or `.lock`) replaced.
    public static func branchName(for feedbackID: String) -> String {
        var name = feedbackID.replacingOccurrences(of: ":", with: "-")
        while name.contains("..") { name = name.replacingOccurrences(of: "..", with: ".") }
        while name.hasSuffix(".") { name.removeLast() }
        if name.hasSuffix(".lock") { name += "-" }
        if name.isEmpty { name = "feedback" }
        return "deployctl/\(name)"
    }

    public func publish(_ request: FeedbackPublishRequest) async throws(FeedbackError) -> FeedbackPublication {
        let repository = try forgeRepository(request)
        let head = Self.branchName(for: request.feedbackID)
        let metadata: Logger.Metadata = [
            "deploy.repo": "\(request.repository.name)", "deploy.feedback.id": "\(request.feedbackID)",
            "deploy.forge.head": "\(head)",
        ]
        try await pushHead(request, head: head)
        let draft = PullRequestDraft(
            title: request.title,
            body: PullRequestBody.make(
                description: request.description.isEmpty ? request.title : request.description,
                feedbackID: request.feedbackID, commit: request.commit.hex, parent: request.parent.hex,
                verification: request.verification),
            head: head, base: request.branch)
        let (pullRequest, opened) = try await findOrOpen(draft, commit: request.commit.hex, in: repository)
        if opened && options.commentsBuildSummary {
            let summary = PullRequestComment.make(
                feedbackID: request.feedbackID, commit: request.commit.hex, verification: request.verification)
            do { try await postComment(summary, pullRequest: pullRequest.number, in: repository) } catch {
                logger.warning(
                    "commenting the build summary on pull request #\(pullRequest.number) failed: \(error)",
                    metadata: metadata)
            }
        }
        logger.notice(
            "pull request #\(pullRequest.number) waiting for a merge",
            metadata: metadata.merging(["deploy.forge.url": "\(pullRequest.webURL ?? "")"]) { $1 })
        try await waitForMerge(pullRequest, in: repository)
        do {
            try await request.git.fetch(
                remote: request.repository.remote, credentials: credentials, timeout: options.gitTimeout)
        } catch {
            logger.warning("fetch after the merge failed: \(error)", metadata: metadata)
        }
        let remote = (try? request.git.remoteURL(name: request.repository.remote)).flatMap { $0 }.map(redactedURL)
        return FeedbackPublication(
            kind: .pullRequest, remote: remote, ref: "refs/heads/\(head)", url: pullRequest.webURL)
    }

    // MARK: Status and comments

    /// Posts a commit status (after each build or test of `commit`).
    /// - Parameters:
    ///   - commit: the commit id (40 hex digits).
    ///   - state: `pending`, `success`, `failure` or `error`.
    ///   - description: a short line (cut at 140 characters).
    ///   - context: the status's name on the forge (one per context is shown).
    ///   - targetURL: a link shown with the status (e.g. the build log), if any.
    ///   - repository: the repository to post it on.
    public func postStatus(
        commit: String, state: CommitStatus.State, description: String?, context: String = "deployctl",
        targetURL: String? = nil, in repository: ForgeRepository
    ) async throws(HTTPError) {
        try await forge.createStatus(
            CommitStatus(state: state, description: description, context: context, targetURL: targetURL),
            commit: commit,
            in: repository)
    }

    /// Comments on pull request `number` (e.g. the build summary).
    public func postComment(_ body: String, pullRequest number: Int, in repository: ForgeRepository)
        async throws(HTTPError)
    {
        try await forge.createComment(body, pullRequest: number, in: repository)
    }

    // MARK: Steps

    func forgeRepository(_ request: FeedbackPublishRequest) throws(FeedbackError) -> ForgeRepository {
        if let repository { return repository }
        let url: String?
        do { url = try request.git.remoteURL(name: request.repository.remote) } catch {
            throw FeedbackError(.publish, error.description)
        }
        guard let url else {
            throw FeedbackError(.publish, "\(request.repository.name) has no remote named \(request.repository.remote)")
        }
        do { return try ForgeRepository.parse(remoteURL: url) } catch {
            throw FeedbackError(.publish, error.description)
        }
    }

    /// Pushes the commit to `head`, leased on what the checkout last saw of that branch; a stale lease is refreshed
    /// by one fetch and tried again.
    func pushHead(_ request: FeedbackPublishRequest, head: String) async throws(FeedbackError) {
        let git = request.git
        let remote = request.repository.remote
        do {
            try git.createBranch(DirectPushPublisher.stagingBranch, at: request.commit, force: true)
        } catch {
            throw FeedbackError(.git, error.description)
        }
        var fetched = false
        while true {
            let seen = try? git.resolve("refs/remotes/\(remote)/\(head)")
            if seen == request.commit { return }  // already there (a retry)
            do {
                try await git.push(
                    branch: DirectPushPublisher.stagingBranch, to: head, remote: remote,
                    lease: seen.map(PushLease.expect) ?? .expectAbsent, credentials: credentials,
                    timeout: options.gitTimeout)
                return
            } catch {
                guard error.code == .pushRejected, !fetched else {
                    throw FeedbackError(.publish, "pushing \(head) failed: \(error.message)")
                }
            }
            // The lease was stale (the branch was pushed from elsewhere or our tracking ref is old): look again.
            do { try await git.fetch(remote: remote, credentials: credentials, timeout: options.gitTimeout) } catch {
                throw FeedbackError(
                    .publish, "fetching \(remote) to refresh the lease on \(head) failed: \(error.message)")
            }
            fetched = true
        }
    }

    /// The open pull request from `draft.head` (or one merged with `commit`), else a new one (`opened` is true).
    func findOrOpen(_ draft: PullRequestDraft, commit: String, in repository: ForgeRepository)
        async throws(FeedbackError)
        -> (pullRequest: ForgePullRequest, opened: Bool)
    {
        var attempt = 0
        while true {
            attempt += 1
            let existing: [ForgePullRequest]
            do {
                existing = try await forge.pullRequests(head: draft.head, base: draft.base, state: .all, in: repository)
            } catch {
                throw FeedbackError(.publish, "looking for an existing pull request failed: \(error)")
            }
            if let open = existing.first(where: \.isOpen)
                ?? existing.first(where: { $0.merged && $0.headSHA == commit })
            {
                logger.info("found pull request #\(open.number) for \(draft.head)")
                return (open, false)
            }
            do {
                return (try await forge.createPullRequest(draft, in: repository), true)
            } catch {
                guard error.isTransient || error.code == .validationFailed, attempt < max(1, options.createAttempts)
                else {
                    throw FeedbackError(.publish, "opening the pull request failed: \(error)")
                }
                // A transient failure may or may not have opened it, and a 422 may say one exists: look again.
                logger.warning("opening the pull request failed, looking again: \(error)")
                try await sleep(
                    max(options.pollInterval, error.retryAfter ?? .zero), reason: "retrying the pull request")
            }
        }
    }

    /// Polls until the pull request is merged; throws a rejection when it is closed or the timeout passes.
    ///
    /// The timeout counts from the pull request's `created_at` when the forge reports it (so a publish retried after
    /// a restart does not wait afresh), never more than ``Options/timeout`` from now (clock skew).
    func waitForMerge(_ pullRequest: ForgePullRequest, in repository: ForgeRepository) async throws(FeedbackError) {
        let clock = ContinuousClock()
        var remaining = options.timeout
        if let createdAt = pullRequest.createdAt {
            let left = createdAt.addingTimeInterval(options.timeout.seconds).timeIntervalSinceNow
            remaining = min(remaining, .milliseconds(Int64(max(0, left) * 1000)))
        }
        let deadline = clock.now.advanced(by: remaining)
        var state = pullRequest.mergeState
        while true {
            switch state {
            case .merged:
                return
            case .closed:
                throw FeedbackError(
                    .pullRequestClosed,
                    "pull request #\(pullRequest.number) (\(pullRequest.webURL ?? pullRequest.head)) was closed without "
                        + "being merged")
            case .open:
                break
            }
            options.faults.reach(.pullRequestWaiting)
            var wait = options.pollInterval
            do {
                state = try await forge.mergeState(of: pullRequest.number, in: repository)
                if state != .open { continue }
            } catch {
                guard error.isTransient else {
                    throw FeedbackError(.publish, "checking pull request #\(pullRequest.number) failed: \(error)")
                }
                if let retryAfter = error.retryAfter { wait = max(wait, retryAfter) }
                logger.warning("checking pull request #\(pullRequest.number) failed, trying again later: \(error)")
            }
            let now = clock.now
            guard now < deadline else {
                throw FeedbackError(
                    .pullRequestTimedOut,
                    "pull request #\(pullRequest.number) (\(pullRequest.webURL ?? pullRequest.head)) was neither merged "
                        + "nor closed within \(Int(options.timeout.seconds)) s")
            }
            try await sleep(
                min(wait, now.duration(to: deadline)), reason: "waiting for pull request #\(pullRequest.number)")
        }
    }

    private func sleep(_ duration: Duration, reason: String) async throws(FeedbackError) {
        do { try await options.sleep(duration) } catch {
            throw FeedbackError(.publish, "cancelled while \(reason)")
        }
    }
}
