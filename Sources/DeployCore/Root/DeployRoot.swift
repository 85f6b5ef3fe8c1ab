import Foundation

/// The folder layout of a deploy root.
///
/// ```
/// ROOT/
///   repos/NAME/             managed repositories (own checkouts, or folders of ROOT's own git repository)
///   feedback/*.json         incoming feedback; feedback/applied/, feedback/rejected/
///   commands/               restart-NAME.sh, restart-services.sh
///   deploy/logs/            build-YYYYMMDD-HHMMSS.log per cycle, build.log → latest
///   deploy/releases/NAME/SHA/ a release: the files of one revision (repositories with a `deploy` block)
///   deploy/current/NAME     → the current release of NAME (a symbolic link, switched atomically)
///   deploy/state.sqlite     the state store
///   deploy/dispatcher.lock  held by the running dispatcher
///   dispatcher.env          configuration
///   deployctl.json          optional manifest of repositories to clone
/// ```
public struct DeployRoot: Sendable, Hashable {
    /// The root folder.
    public let url: URL

    public init(url: URL) {
        self.url = url.standardizedFileURL
    }

    public var repositories: URL { url.appendingPathComponent("repos", isDirectory: true) }
    public var feedback: URL { url.appendingPathComponent("feedback", isDirectory: true) }
    public var commands: URL { url.appendingPathComponent("commands", isDirectory: true) }
    public var deploy: URL { url.appendingPathComponent("deploy", isDirectory: true) }
    public var logs: URL { deploy.appendingPathComponent("logs", isDirectory: true) }
    /// The releases of repositories with a `deploy` block: `releases/NAME/<full sha>/`.
    public var releases: URL { deploy.appendingPathComponent("releases", isDirectory: true) }
    /// `current/NAME`: a symbolic link to the current release of NAME.
    public var currentReleases: URL { deploy.appendingPathComponent("current", isDirectory: true) }
    public var stateDatabase: URL { deploy.appendingPathComponent("state.sqlite") }
    /// Where damaged checkouts are moved aside, each as `NAME-YYYYMMDD-HHMMSS` (UTC; ``quarantineStampFormat``).
    public var quarantine: URL { deploy.appendingPathComponent("quarantine", isDirectory: true) }
    /// The date format of a quarantine folder's name after `NAME-`.
    static let quarantineStampFormat = "yyyyMMdd-HHmmss"
    public var lockFile: URL { deploy.appendingPathComponent("dispatcher.lock") }
    /// Versions printed by `swift --version`, keyed by the toolchain files' identity (``ToolchainVersionCache``).
    public var toolchainVersionCache: URL { deploy.appendingPathComponent("toolchain-versions.json") }
    public var environmentFile: URL { url.appendingPathComponent("dispatcher.env") }
    public var manifestFile: URL { url.appendingPathComponent("deployctl.json") }

    /// The paths deployctl writes inside the root, relative to it (a folder with its trailing `/`; a file name stands
    /// for every file that starts with it, so `deploy/state.sqlite` covers its `-wal` and `-shm` files). When the
    /// root is inside a git repository, changes under these paths are deployctl's own state, never that repository's
    /// local changes: they do not stop the root from being fast-forwarded, whatever its `.gitignore` says.
    public static let ownedPaths: [String] = [
        "deploy/state.sqlite", "deploy/dispatcher.lock", "deploy/toolchain-versions.json", "deploy/logs/",
        "deploy/worktrees/", "deploy/quarantine/", "deploy/releases/", "deploy/current/", "feedback/", "repos/.",
    ]

    /// The folder of a managed repository.
    public func repository(_ name: RepositoryName) -> URL {
        repositories.appendingPathComponent(name.rawValue, isDirectory: true)
    }

    /// Creates the folders deployctl writes to (`deploy/logs`, `feedback/applied`, `feedback/rejected`).
    /// - Throws: ``DispatcherError`` with code `invalidRoot` naming the folder that cannot be created.
    public func createWritableFolders() throws(DispatcherError) {
        for folder in [logs, feedback.appendingPathComponent("applied"), feedback.appendingPathComponent("rejected")] {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw DispatcherError(
                    .invalidRoot, location: folder.path, found: "it cannot be created: \(error.localizedDescription)",
                    accepted: "a deploy root deployctl can write to")
            }
        }
    }

    /// The names of the folders under `repos/`, sorted; hidden folders and invalid names are reported, not used.
    public func repositoryFolders() -> (names: [RepositoryName], ignored: [String]) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: repositories.path)) ?? []
        var names: [RepositoryName] = []
        var ignored: [String] = []
        for entry in entries.sorted() {
            var isDirectory: ObjCBool = false
            let path = repositories.appendingPathComponent(entry).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            if entry.hasPrefix(".") { continue }
            if let name = try? RepositoryName(entry) { names.append(name) } else { ignored.append(entry) }
        }
        return (names, ignored)
    }
}
