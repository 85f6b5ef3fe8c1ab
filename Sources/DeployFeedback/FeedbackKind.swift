/// What a feedback file asks for: a patch to verify, commit and publish, or (a file without `patch`, as the seed
/// accepted) only a restart of its repository's services.
public enum FeedbackKind: String, Sendable, Hashable, Codable {
    /// A unified diff to apply (the file has `patch`).
    case patch
    /// Run the repository's restart command, change nothing (the file has no `patch`).
    case restartRequest = "restart"
}
