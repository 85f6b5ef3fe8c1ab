import Foundation

/// A repository that feedback may target: its name (the `repo` field), its checkout and its managed branch.
///
/// A *vendored folder* (`repos/NAME` that is a plain folder of the deploy root's own repository) is a target too:
/// ``enclosing`` names the repository that holds it. Patches are written relative to the folder and checked against
/// the path policy there; they are applied, verified (in the folder) and committed in the enclosing repository with
/// the folder's path put in front of every path.
public struct FeedbackRepository: Sendable, Hashable {
    /// Where a vendored folder lives: the enclosing repository's work tree and the folder's path in it.
    public struct Enclosing: Sendable, Hashable {
        /// The work tree of the repository that holds the folder.
        public var workTree: URL
        /// The folder's path inside it, e.g. `repos/hello-service` (no leading or trailing `/`).
        public var path: String

        public init(workTree: URL, path: String) {
            self.workTree = workTree
            self.path = path.split(separator: "/").joined(separator: "/")
        }
    }

    /// The repository's name under `repos/` (validated with ``FeedbackNames/isValidRepositoryName(_:)``).
    public var name: String
    /// The managed checkout's work tree (for a vendored folder: the folder).
    public var directory: URL
    /// The branch feedback is committed to (a file's `branch` must name this branch).
    public var branch: String
    /// The remote that publishing pushes to.
    public var remote: String
    /// For a vendored folder, the repository that holds it; nil for a checkout of its own.
    public var enclosing: Enclosing?

    public init(
        name: String, directory: URL, branch: String = "main", remote: String = "origin", enclosing: Enclosing? = nil
    ) {
        self.name = name
        self.directory = directory
        self.branch = branch
        self.remote = remote
        self.enclosing = enclosing
    }

    /// The work tree of the git repository feedback is committed to: ``directory``, or the enclosing repository's.
    public var gitWorkTree: URL { enclosing?.workTree ?? directory }

    /// `path` (relative to ``directory``) as a path of the git repository (with a vendored folder's path in front).
    public func repositoryPath(_ path: String) -> String {
        guard let enclosing, !enclosing.path.isEmpty else { return path }
        return enclosing.path + "/" + path
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
