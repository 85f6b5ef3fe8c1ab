/// A stage of processing one feedback file: where a rejection happened (``FeedbackRejection/stage``), and what
/// ``FeedbackTimings/stages`` times.
///
/// The raw values are written to the records in `feedback/rejected/` (`stage`) and `feedback/applied/`
/// (`timings.stages`); they never change.
public enum FeedbackStage: String, Sendable, Codable, Hashable, CaseIterable, CodingKeyRepresentable,
    CustomStringConvertible
{
    /// Reading the file (size, UTF-8, JSON).
    case read
    /// Checking the fields, the target repository and branch, and duplicates.
    case validate
    /// The path policy (traversal, denied paths, binary patches, …).
    case policy
    /// Applying the patch (plainly or three-way) to the checkout or a worktree.
    case apply
    /// Building and testing the patched tree in a worktree.
    case verify
    /// Making the commit.
    case commit
    /// Publishing it (a push or a pull request).
    case publish
    /// Running the repository's restart command.
    case restart
    /// Resuming a file a previous run left claimed (``FeedbackError/Code/tooManyAttempts``).
    case recover
    /// A fix proposed by the model that held no usable diff (`no-diff`, `diff-outside-report`).
    case propose
    /// Writing the file's journal (an environment failure: the file is deferred, never rejected).
    case journal
    /// Moving the file and its record into place (an environment failure: deferred).
    case finish
    /// Fault injection stopped processing after a phase (crash tests only: deferred).
    case halt

    /// The raw value, so that interpolation prints the stored spelling.
    public var description: String { rawValue }
}
