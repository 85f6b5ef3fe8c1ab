import DeployBuild
import Foundation

/// What a fix is asked for: a red build of one commit of one repository, and what earlier attempts got wrong.
public struct FixRequest: Sendable {
    /// The repository (its checkout folder is read for source excerpts and file contents).
    public var repository: FeedbackRepository
    /// The commit that built red (full hex).
    public var commit: String
    /// The parsed build report of that build (diagnostics, failing tests).
    public var report: BuildReport
    /// How the build ended (``RecordedBuildResult/failed``, ``RecordedBuildResult/timedOut``, …).
    public var result: RecordedBuildResult
    /// Where the build log is, for the feedback file's metadata.
    public var log: String?
    /// The diff from the last green build's commit to ``commit`` (`nil` when no green build is recorded).
    public var changesSinceGreen: String?
    /// The last green build's commit, when one is recorded.
    public var greenCommit: String?
    /// The attempt number this request is for (1-based).
    public var attempt: Int
    /// Earlier attempts for the same commit that were rejected, oldest first.
    public var previous: [PreviousProposal]
    /// For a commit that built and tested green but failed its rollout (a manifest `deploy` block): the rollout's
    /// evidence (why it failed, the deploy command's output, the health gate's last answers); then
    /// ``changesSinceGreen`` is the diff from the last healthy release.
    public var rolloutEvidence: String?

    public init(
        repository: FeedbackRepository, commit: String, report: BuildReport, result: RecordedBuildResult = .failed,
        log: String? = nil, changesSinceGreen: String? = nil, greenCommit: String? = nil, attempt: Int = 1,
        previous: [PreviousProposal] = [], rolloutEvidence: String? = nil
    ) {
        self.rolloutEvidence = rolloutEvidence
        self.repository = repository
        self.commit = commit
        self.report = report
        self.result = result
        self.log = log
        self.changesSinceGreen = changesSinceGreen
        self.greenCommit = greenCommit
        self.attempt = attempt
        self.previous = previous
    }
}
