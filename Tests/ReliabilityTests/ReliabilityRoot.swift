import DeployTestSupport
import Foundation
import Testing

/// A real deploy root for the reliability suite: bare remotes, checkouts under `repos/`, a manifest with cheap build
/// and test commands, and the checks the crash tests make after every kill.
struct ReliabilityRoot: Sendable {
    let scratch: ScratchDirectory
    let fixture: GitFixture
    let url: URL
    /// Bare remotes by repository name.
    let remotes: [String: URL]
    /// The environment every run gets: direct pushes, no verification build, two cycle logs kept, a token set (it
    /// must never reach a file).
    var environment: [String: String]

    /// Makes `repositories` (each a bare remote with one commit and a checkout) and a manifest whose build and test
    /// commands are `build`/`test`.
    init(
        prefix: String, repositories: [String], build: [String]? = ["true"], test: [String]? = ["true"],
        files: (String) -> [String: String] = { ["README.md": "hello from \($0)\n"] },
        remoteURL: ((String) -> String)? = nil, extraManifest: [String: Any] = [:], in folder: ScratchDirectory? = nil
    ) throws {
        scratch = try folder ?? ScratchDirectory(prefix: prefix)
        fixture = GitFixture(scratch: scratch)
        url = scratch.appending("root")
        var remotes: [String: URL] = [:]
        var entries: [[String: Any]] = []
        for name in repositories {
            let remote = try fixture.makeRemote("remotes/\(name)", files: files(name))
            remotes[name] = remote
            try fixture.clone(remote, as: "root/repos/\(name)")
            var entry: [String: Any] = ["name": name, "url": remoteURL?(name) ?? remote.path]
            if let build { entry["build"] = build }
            if let test { entry["test"] = test }
            for (key, value) in extraManifest { entry[key] = value }
            if let remoteURL {
                try Shell.check(
                    ["git", "remote", "set-url", "origin", remoteURL(name)],
                    in: url.appendingPathComponent("repos/\(name)"))
            }
            entries.append(entry)
        }
        self.remotes = remotes
        let manifest = try JSONSerialization.data(
            withJSONObject: ["repositories": entries], options: [.sortedKeys, .prettyPrinted])
        try manifest.write(to: url.appendingPathComponent("deployctl.json"))
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("feedback"), withIntermediateDirectories: true)
        environment = [
            "DISPATCHER_USE_PRS": "0", "DISPATCHER_VERIFY_FEEDBACK": "0", "DISPATCHER_LOG_KEEP": "2",
            "GIT_USER_NAME": "Deploy Bot", "GIT_USER_EMAIL": "bot@example.invalid",
            "GITHUB_TOKEN": TestSecrets.gitToken, "DISPATCHER_STEP_TIMEOUT": "120",
        ]
    }

    var feedback: URL { url.appendingPathComponent("feedback") }
    var logs: URL { url.appendingPathComponent("deploy/logs") }
    var runs: URL { scratch.appending("runs") }

    func repository(_ name: String) -> URL { url.appendingPathComponent("repos/\(name)") }

    /// Runs `deployctl ARGUMENTS --root ROOT`.
    func run(_ arguments: [String], crashAt: String? = nil, killAfter: Duration? = nil) throws -> BinaryRun {
        try BinaryRun.run(
            arguments + ["--root", url.path], environment: environment, crashAt: crashAt, killAfter: killAfter,
            outputFolder: runs)
    }

    /// Drops `feedback/NAME` changing README.md of `repository` to `text`.
    func dropFeedback(_ name: String, repository: String, id: String, text: String) throws {
        let current = try String(
            contentsOf: self.repository(repository).appendingPathComponent("README.md"), encoding: .utf8)
        let old = current.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "-\($0)" }
        let patch =
            "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1,\(old.count) +1 @@\n"
            + old.joined(separator: "\n") + "\n+\(text)\n"
        let object: [String: Any] = [
            "version": 1, "id": id, "repo": repository, "patch": patch, "description": "Feedback \(id)",
        ]
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            .write(to: feedback.appendingPathComponent(name))
    }

    /// Drops a file that must be rejected (it targets a path outside the root).
    func dropHostileFeedback(_ name: String) throws {
        let object: [String: Any] = [
            "version": 1, "repo": "../etc", "patch": "diff --git a/x b/x\n", "description": "x",
        ]
        try JSONSerialization.data(withJSONObject: object).write(to: feedback.appendingPathComponent(name))
    }

    /// Creates `count` old cycle logs, so that log retention has files to remove.
    func seedOldLogs(_ count: Int) throws {
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        for day in 1...count {
            let name = String(format: "build-202001%02d-000000.log", day)
            try Data("old log \(day)\n".utf8).write(to: logs.appendingPathComponent(name))
        }
    }

    /// The names in `feedback/SUBFOLDER` (`""` for pending), without hidden files and records.
    func feedbackFiles(in subfolder: String) -> Set<String> {
        let folder = subfolder.isEmpty ? feedback : feedback.appendingPathComponent(subfolder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return Set(
            names.filter {
                $0.hasSuffix(".json") && !$0.hasPrefix(".") && !$0.hasSuffix(".result.json")
                    && !$0.hasSuffix(".reason.json")
            })
    }

    /// Commit messages on the remote's `main` that carry `Feedback-Id: id`.
    func remoteCommits(_ repository: String, feedbackID id: String) throws -> Int {
        let log = try Shell.check(["git", "--git-dir", remotes[repository]!.path, "log", "main", "--format=%B%x00"])
        return log.components(separatedBy: "\u{0}").filter {
            $0.contains("Feedback-Id: \(id)\n") || $0.hasSuffix("Feedback-Id: \(id)")
        }
        .count
    }

    func remoteCommitCount(_ repository: String) throws -> Int {
        Int(try Shell.check(["git", "--git-dir", remotes[repository]!.path, "rev-list", "--count", "main"])) ?? -1
    }

    /// The invariants that hold after a killed run has been followed by a complete one.
    ///
    /// - every dropped feedback file is in exactly one of pending, applied or rejected, and none is left claimed;
    /// - every checkout is clean, holds no lock file and no extra worktree;
    /// - the state store opens and `status --json` reads;
    /// - no test token is in any file of the scratch folder (root, remotes, captured output).
    func expectConsistent(dropped: Set<String>, context: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let pending = feedbackFiles(in: "")
        let applied = feedbackFiles(in: "applied")
        let rejected = feedbackFiles(in: "rejected")
        for name in dropped {
            let places = [pending.contains(name), applied.contains(name), rejected.contains(name)].filter { $0 }.count
            #expect(
                places == 1, "\(context): \(name) is in \(places) of pending/applied/rejected",
                sourceLocation: sourceLocation)
        }
        let inflight =
            (try? FileManager.default.contentsOfDirectory(atPath: feedback.appendingPathComponent(".inflight").path))
            ?? []
        #expect(
            inflight.filter { !$0.hasPrefix(".") }.isEmpty, "\(context): left claimed: \(inflight)",
            sourceLocation: sourceLocation)
        for name in remotes.keys.sorted() {
            let folder = repository(name)
            let status = try Shell.check(["git", "status", "--porcelain"], in: folder)
            #expect(status.isEmpty, "\(context): \(name) has local changes: \(status)", sourceLocation: sourceLocation)
            // A fetch killed while receiving leaves libgit2's temporary pack files (`pack_git2_*`, one ending in
            // `.lock`): they lock nothing, and the update removes them once they are 10 minutes old.
            let locks = try Shell.check(
                ["find", ".git", "-name", "*.lock", "-not", "-path", ".git/objects/pack/pack_git2_*"], in: folder)
            #expect(locks.isEmpty, "\(context): \(name) holds locks: \(locks)", sourceLocation: sourceLocation)
            let worktrees = try Shell.check(["git", "worktree", "list", "--porcelain"], in: folder)
                .split(separator: "\n").filter { $0.hasPrefix("worktree ") }
            #expect(
                worktrees.count == 1, "\(context): \(name) has worktrees \(worktrees)", sourceLocation: sourceLocation)
        }
        let status = try run(["status", "--json"])
        #expect(
            status.status == 0 && !status.signaled, "\(context): status: \(status.transcript)",
            sourceLocation: sourceLocation)
        let json = try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(json?["repos"] != nil, "\(context): status JSON: \(status.stdout)", sourceLocation: sourceLocation)
        #expect(
            (json?["repos"] as? [Any])?.count == remotes.count, "\(context): status lists every repository",
            sourceLocation: sourceLocation)
        #expect(
            json?["pendingFeedback"] as? Int == feedbackFiles(in: "").count, "\(context): status counts pending files",
            sourceLocation: sourceLocation)
        let hits = SecretScan.hits(in: scratch.url)
        #expect(hits.isEmpty, "\(context): test tokens in \(hits)", sourceLocation: sourceLocation)
    }
}

/// The in-process form of `scripts/scan-secrets.sh`: files under a folder that hold a test token.
enum SecretScan {
    static var needles: [Data] {
        TestSecrets.all.flatMap { [$0] + TestSecrets.basicAuthEncodings(of: $0) }.map { Data($0.utf8) }
    }

    static func hits(in folder: URL) -> [String] {
        let needles = self.needles
        var hits: [String] = []
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        for case let file as URL in files {
            if file.lastPathComponent == ".build" || file.lastPathComponent == "pack" {
                files.skipDescendants()
                continue
            }
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                let data = try? Data(contentsOf: file)
            else { continue }
            if needles.contains(where: { data.range(of: $0) != nil }) { hits.append(file.path) }
        }
        return hits
    }
}
