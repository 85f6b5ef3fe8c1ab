import Foundation

/// One attempt at a fix: the prompt sent, and what became of the answer.
public struct FixProposal: Sendable {
    /// What became of the answer.
    public enum Outcome: Sendable {
        /// A feedback file is pending at this location in `feedback/`; the normal feedback path verifies it.
        case written(URL)
        /// The answer was not a usable diff; the file and its reason record are in `feedback/rejected/`.
        case rejected(FeedbackRejection, file: URL)
        /// The endpoint could not be used (``FeedbackError/Code/model``: timeout, rate limit, refused key), or the
        /// file could not be written (``FeedbackError/Code/io``); nothing is pending.
        case failed(FeedbackError)
    }

    /// The feedback file's name, `proposed-<repo>-<commit>-<attempt>.json`.
    public var file: String
    /// The feedback id (the file's name without `.json`).
    public var id: String
    public var attempt: Int
    /// The model asked.
    public var model: String
    /// The prompt's size in UTF-8 bytes.
    public var promptBytes: Int
    /// The tokens the request used, when the endpoint said (none when it could not be used).
    public var usage: TokenUsage?
    public var outcome: Outcome
}
