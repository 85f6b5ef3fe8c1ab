import DeployFeedback
import DeployTestSupport
import Foundation

/// A real deploy root for tests: `repos/NAME` clones of bare remotes made with the git CLI, `feedback/`, `commands/`.
final class DeployRoot {
    let folder: TemporaryFolder
    let fixture: GitFixture
    var repositories: [FeedbackRepository] = []
    var remotes: [String: URL] = [:]

    var url: URL { folder.url.appendingPathComponent("root") }
    var feedback: URL { url.appendingPathComponent("feedback") }
    var commands: URL { url.appendingPathComponent("commands") }

    init(repositories names: [String] = ["app"], files: [String: String] = ["README.md": "hello\n"]) throws {
        folder = try TemporaryFolder()
        fixture = GitFixture(scratch: folder.scratch)
        for folder in [url.appendingPathComponent("repos"), feedback, commands] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        for name in names {
            let remote = try fixture.makeRemote(name, files: files)
            let checkout = url.appendingPathComponent("repos/\(name)")
            try Shell.check(["git", "clone", "--quiet", "--branch", "main", remote.path, checkout.path])
            remotes[name] = remote
            repositories.append(FeedbackRepository(name: name, directory: checkout))
        }
    }

    func checkout(_ name: String = "app") -> URL { url.appendingPathComponent("repos/\(name)") }

    /// Writes a feedback file from a JSON-encodable dictionary.
    @discardableResult
    func drop(_ name: String, _ fields: [String: Any]) throws -> URL {
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        return try drop(name, data: data)
    }

    @discardableResult
    func drop(_ name: String, data: Data) throws -> URL {
        let file = feedback.appendingPathComponent(name)
        try data.write(to: file)
        return file
    }

    /// A processor for this root.
    func processor(_ options: FeedbackProcessor.Options = .init()) -> FeedbackProcessor {
        FeedbackProcessor(
            feedbackDirectory: feedback, commandsDirectory: commands, repositories: repositories, options: options)
    }

    /// Everything outside `feedback/`.
    func snapshot() throws -> TreeSnapshot {
        try TreeSnapshot(url, excluding: ["feedback"])
    }

    /// The names in a subfolder of `feedback/` (or in `feedback/` itself for `""`), sorted, hidden ones left out.
    func names(in subfolder: String) throws -> [String] {
        let folder = subfolder.isEmpty ? feedback : feedback.appendingPathComponent(subfolder)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    func git(_ arguments: [String], in name: String = "app") throws -> String {
        try Shell.check(["git"] + arguments, in: checkout(name))
    }
}
