import DeployBuild
import DeployGit
import DeployTestSupport
import Foundation

@testable import DeployFeedback

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

    /// A processor for this root; verification is off unless a verifier is given. With `haltAfter`, its options'
    /// fault plan halts right after the journal records that phase (``FaultPoint/journaled(_:)``).
    func processor(
        _ options: FeedbackProcessor.Options? = nil,
        verifier: FeedbackVerifier? = nil,
        publish: Bool = false,
        restart: Bool = false,
        haltAfter: FeedbackJournal.Phase? = nil
    ) -> FeedbackProcessor {
        var settings = options ?? FeedbackProcessor.Options(verify: verifier != nil)
        settings.worktreeDirectory = folder.url.appendingPathComponent("worktrees")
        if let haltAfter { settings.faults = FaultInjection(.halt, at: .journaled(haltAfter)) }
        return FeedbackProcessor(
            feedbackDirectory: feedback, commandsDirectory: commands, repositories: repositories, options: settings,
            verifier: verifier, publisher: publish ? DirectPushPublisher() : nil,
            restartRunner: restart
                ? StepRestartRunner(logFile: url.appendingPathComponent("deploy/logs/restart.log")) : nil,
            author: Signature(name: "deployctl test", email: "deployctl@example.invalid"))
    }

    /// Commit subjects and `Feedback-Id` trailers on the checkout's branch, newest first.
    func trailers(_ name: String = "app") throws -> [String] {
        try git(["log", "--format=%(trailers:key=Feedback-Id,valueonly)", "main"], in: name)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Everything outside `feedback/`, except git's object stores: libgit2 writes the blobs of a patch it checks
    /// (even check-only) as loose objects, which nothing references and `git gc` removes.
    func snapshot() throws -> TreeSnapshot {
        try TreeSnapshot(url, excluding: Set(["feedback"] + repositories.map { "repos/\($0.name)/.git/objects" }))
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
