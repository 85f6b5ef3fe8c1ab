import DeployBuild
import DeployFeedback
import Foundation

extension FixRecord {
    /// The ledger entry for what processing one feedback file came to, or nil for what is no fix (a restart
    /// request, a dry-run check).
    /// - Parameter builds: each repository's last build before the file was processed; the fix targets its
    ///   repository's when that is red.
    init?(_ outcome: FeedbackOutcome, builds: [String: RepositoryCycleRecord], at now: Date = Date()) {
        let file: String
        let repository: String?
        let id: String?
        let result: Outcome
        var commit: String?
        var verification: FeedbackVerification?
        switch outcome {
        case .applied(let record, _):
            guard record.kind != .restartRequest else { return nil }
            (file, repository, id, result, commit) = (record.file, record.repository, record.id, .applied, record.commit)
            verification = record.verification
        case .rejected(let rejection, _):
            (file, repository, id, result) = (rejection.file, rejection.repository, rejection.id, .rejected)
            verification = rejection.verification
        case .deferred(let name, _):
            (file, repository, id, result) = (name, nil, nil, .deferred)
        case .checked:
            return nil
        }
        guard let repository else { return nil }
        let target = builds[repository].flatMap { red in
            red.head != nil && red.buildResult.map { !$0.passedEventually } == true ? red : nil
        }
        self.init(
            file: file, id: id, repository: repository, source: Source(file: file), redCommit: target?.head,
            redAt: target?.finishedAt, outcome: result, commit: commit,
            secondsToGreen: result == .applied ? target.map { max(0, now.timeIntervalSince($0.finishedAt)) } : nil,
            problems: verification.flatMap { Self.problems(in: $0) }, createdAt: now, updatedAt: now)
    }

    /// Distinct errors plus failed tests in a verification's build report; nil when no build ran.
    static func problems(in verification: FeedbackVerification) -> Int? {
        switch verification.outcome {
        case .passed: return 0
        case .skipped: return nil
        case .failed:
            guard let report = verification.report,
                let data = try? JSONEncoder().encode(report),
                let parsed = try? JSONDecoder().decode(BuildReport.self, from: data)
            else { return nil }
            return problems(in: parsed)
        }
    }

    /// Distinct errors plus failed tests (a crash counts as one failed test).
    static func problems(in report: BuildReport) -> Int {
        report.errorCount + max(report.tests.failed, report.tests.failures.count)
    }
}
