import Foundation

/// A repository that feedback may target: its name (the `repo` field), its checkout and its managed branch.
public struct FeedbackRepository: Sendable, Hashable {
    /// The repository's name under `repos/` (validated with ``FeedbackNames/isValidRepositoryName(_:)``).
    public var name: String
    /// The managed checkout's work tree.
    public var directory: URL
    /// The branch feedback is committed to (a file's `branch` must name this branch).
    public var branch: String
    /// The remote that publishing pushes to.
    public var remote: String

    public init(name: String, directory: URL, branch: String = "main", remote: String = "origin") {
        self.name = name
        self.directory = directory
        self.branch = branch
        self.remote = remote
    }

    /// Picks the repository a document targets.
    ///
    /// - Throws: ``FeedbackError/Code/unknownRepository`` for a name that is not managed,
    ///   ``FeedbackError/Code/ambiguousRepository`` when `repo` is omitted and there is not exactly one repository.
    public static func target(
        of document: FeedbackDocument, in repositories: [FeedbackRepository]
    ) throws(FeedbackError) -> FeedbackRepository {
        guard let name = document.repository else {
            guard repositories.count == 1 else {
                throw FeedbackError(
                    .ambiguousRepository,
                    "'repo' is required: this root manages \(repositories.count) repositories "
                        + "(\(repositories.map(\.name).sorted().joined(separator: ", ")))",
                    field: "repo")
            }
            return repositories[0]
        }
        guard let repository = repositories.first(where: { $0.name == name }) else {
            throw FeedbackError(
                .unknownRepository,
                "no managed repository is named \(quoted(name)) (known: "
                    + "\(repositories.map(\.name).sorted().joined(separator: ", ")))",
                field: "repo")
        }
        return repository
    }
}
