extension FeedbackError.Code {
    /// The pull request was closed without being merged (a rejection: people said no).
    public static let pullRequestClosed = Self(rawValue: "pull-request-closed")
    /// The pull request was neither merged nor closed within the configured wait (a rejection).
    public static let pullRequestTimedOut = Self(rawValue: "pull-request-timed-out")
}
