extension FeedbackPublication {
    /// How a commit was published, as the records in `feedback/applied/` spell it (`publication.kind`).
    ///
    /// The raw values are stored; they never change.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        /// Pushed to the branch (``DirectPushPublisher``).
        case push
        /// Proposed as a pull request and merged (DeployHTTP's `PullRequestPublisher`).
        case pullRequest = "pull-request"
        /// Not published: no publisher is configured (and a restart request publishes nothing).
        case noPublisher = "none"
        /// Committed on the checkout's branch and not published, because the repository has no remote to publish to
        /// (``LocalOnlyFallbackPublisher``).
        case local

        /// The raw value, so that interpolation prints the stored spelling.
        public var description: String { rawValue }
    }
}
