import DeployGit
import Foundation

extension FeedbackProcessor {
    /// A failed stage: the error, and what the rejection record should carry.
    struct StageFailure: Error {
        var stage: FeedbackStage
        var error: FeedbackError
        var verification: FeedbackVerification?
        var logExcerpt: String?

        init(
            _ stage: FeedbackStage, _ error: FeedbackError, verification: FeedbackVerification? = nil,
            logExcerpt: String? = nil
        ) {
            self.stage = stage
            self.error = error
            self.verification = verification
            self.logExcerpt = logExcerpt
        }
    }

    /// A file that passed reading, validation, the path policy and the duplicate check.
    struct Validated: Sendable {
        var document: FeedbackDocument
        var repository: FeedbackRepository
        var branch: String
        var summary: PatchSummary
    }

    /// Reads, validates and checks the file against the policy and the ledger.
    func validate(
        _ file: URL, document parsed: inout FeedbackDocument?, checkDuplicate: Bool = true
    ) throws(StageFailure) -> Validated {
        var document: FeedbackDocument
        do { document = try FeedbackDocument.load(contentsOf: file, maxBytes: options.maxFileBytes) } catch {
            throw StageFailure(.read, error)
        }
        parsed = document
        let (repository, branch) = try target(of: document)
        let summary: PatchSummary
        do throws(FeedbackError) {
            if let enclosing = repository.enclosing, !enclosing.path.isEmpty {
                // A vendored folder: checked relative to the folder, applied in the repository that holds it.
                (document.patch, summary) = try options.policy.check(
                    patch: document.patch, inFolder: enclosing.path, of: enclosing.workTree)
            } else {
                summary = try options.policy.check(patch: document.patch, repository: repository.directory)
            }
        } catch {
            throw StageFailure(.policy, error)
        }
        if checkDuplicate, let entry = inbox.ledger().entries[document.id] {
            throw StageFailure(
                .validate,
                FeedbackError(
                    .duplicate,
                    "feedback id \(quoted(document.id)) was already applied as commit \(entry.commit) "
                        + "(\(entry.file) in applied/)",
                    field: document.idWasDerived ? "patch" : "id"))
        }
        if checkDuplicate, let commit = try commitInHistory(document.id, repository: repository) {
            throw StageFailure(
                .validate,
                FeedbackError(
                    .duplicate,
                    "feedback id \(quoted(document.id)) was already applied as commit \(commit.hex) (its "
                        + "\(Self.idTrailer) trailer is in the history of \(repository.branch))",
                    field: document.idWasDerived ? "patch" : "id"))
        }
        return Validated(document: document, repository: repository, branch: branch, summary: summary)
    }

    /// The repository a file targets (`repo` may be left out only where the root has one) and its branch, after
    /// checking that a `branch` the file names is the one the repository is managed on.
    func target(of document: FeedbackDocument) throws(StageFailure) -> (FeedbackRepository, branch: String) {
        let repository: FeedbackRepository
        do { repository = try FeedbackRepository.target(of: document, in: repositories) } catch {
            throw StageFailure(.validate, error)
        }
        let branch = document.branch ?? repository.branch
        guard branch == repository.branch else {
            throw StageFailure(
                .validate,
                FeedbackError(
                    .invalidValue,
                    "'branch' is \(quoted(branch)) but \(repository.name) is managed on \(quoted(repository.branch))",
                    field: "branch"))
        }
        return (repository, branch)
    }
}
