/// How a repository's build ended, as deployctl records and shows it: the build's own
/// ``RepositoryBuildResult/Result``, with ``flaky`` for tests that passed only on a retry.
///
/// The raw values are the stored and printed spellings (the state store's `buildResult` column, `status --json`'s
/// `lastBuild.result`, the commit status description); they never change.
public enum RecordedBuildResult: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    /// Built and every test passed at the first attempt.
    case passed
    /// A build step or a test failed.
    case failed
    /// The tests failed, then passed on a retry with no code change: not green.
    case flaky
    /// A step ran past its timeout.
    case timedOut
    /// The build was cancelled (shutdown, or superseded by a newer commit).
    case cancelled
    /// Nothing to build: no `Package.swift` and no build command.
    case skipped

    /// The result of `build`: its ``RepositoryBuildResult/result``, or ``flaky`` when it passed only on a retry.
    public init(_ build: RepositoryBuildResult) {
        switch build.result {
        case .passed: self = build.flaky ? .flaky : .passed
        case .failed: self = .failed
        case .timedOut: self = .timedOut
        case .cancelled: self = .cancelled
        case .skipped: self = .skipped
        }
    }

    /// Whether the build's tree works: ``passed``, or ``flaky`` (it passed in the end). A flaky build is not green
    /// (``RepositoryBuildResult/isGreen``) but is a working base for the diff a proposed fix is shown.
    public var passedEventually: Bool { self == .passed || self == .flaky }

    /// The raw value, so that interpolation prints the stored spelling.
    public var description: String { rawValue }
}

extension RepositoryBuildResult {
    /// The result as deployctl records and shows it (``RecordedBuildResult``).
    public var recordedResult: RecordedBuildResult { RecordedBuildResult(self) }
}
