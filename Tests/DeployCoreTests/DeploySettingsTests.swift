import DeployGit
import DeployTestSupport
import Foundation
import Testing

@testable import DeployCore

@Suite("A manifest's deploy block, the rollout decision and the release folders")
struct DeploySettingsTests {
    private func manifest(_ deploy: String) throws(DispatcherError) -> Manifest {
        try Manifest.parse(
            Data(#"{"repositories": [{"name": "api", "url": "x", "deploy": \#(deploy)}]}"#.utf8), path: "deployctl.json")
    }

    private func refusal(_ deploy: String) -> DispatcherError? {
        do {
            _ = try manifest(deploy)
            Issue.record("accepted: \(deploy)")
            return nil
        } catch {
            return error
        }
    }

    @Test func aFullBlockIsReadAndAnEmptyOneHasTheDefaults() throws {
        let full = try manifest(
            #"{"command": ["sh", "deploy.sh"], "health": {"url": "http://127.0.0.1:8080/healthz"}, "timeout": 30, "interval": 0.5, "keep": 3}"#)
        let settings = try #require(full.repositories.first?.deploy)
        #expect(settings.command == ["sh", "deploy.sh"])
        #expect(settings.health == .url(URL(string: "http://127.0.0.1:8080/healthz")!))
        #expect(settings.timeout == 30 && settings.interval == 0.5 && settings.keep == 3)

        let empty = try #require(try manifest("{}").repositories.first?.deploy)
        #expect(empty == DeploySettings(command: nil, health: nil, timeout: 60, interval: 2, keep: 5))
        #expect(try manifest(#"{"health": {"command": ["test", "-f", "ready"]}}"#).repositories.first?.deploy?.health
            == .command(["test", "-f", "ready"]))
        #expect(try Manifest.parse(Data(#"{"repositories": [{"name": "api"}]}"#.utf8), path: "m").repositories.first?.deploy == nil)
    }

    @Test func badBlocksAreRefusedNamingTheFieldWhatWasFoundAndWhatIsAccepted() throws {
        let cases: [(String, String, String)] = [
            (#"{"comand": ["x"]}"#, "deployctl.json: repositories[0].deploy", "the unknown key 'comand'"),
            (#"{"command": []}"#, "deployctl.json: repositories[0].deploy.command", "an empty command"),
            (#"{"command": "deploy.sh"}"#, "deployctl.json: repositories[0].deploy.command", "a string"),
            (#"{"health": {}}"#, "deployctl.json: repositories[0].deploy.health", "neither 'url' nor 'command'"),
            (#"{"health": {"url": "http://h/", "command": ["x"]}}"#, "deployctl.json: repositories[0].deploy.health",
             "both 'url' and 'command'"),
            (#"{"health": {"url": "ftp://h/"}}"#, "deployctl.json: repositories[0].deploy.health.url", "'ftp://h/'"),
            (#"{"health": {"url": "http://user:pw@h/"}}"#, "deployctl.json: repositories[0].deploy.health.url",
             "'http://user:pw@h/'"),
            (#"{"timeout": 0}"#, "deployctl.json: repositories[0].deploy.timeout", "0.0"),
            (#"{"timeout": 1e9}"#, "deployctl.json: repositories[0].deploy.timeout", "1000000000.0"),
            (#"{"timeout": 5, "interval": 10}"#, "deployctl.json: repositories[0].deploy.interval", "10.0"),
            (#"{"keep": 0}"#, "deployctl.json: repositories[0].deploy.keep", "0"),
            (#"{"keep": 2.5}"#, "deployctl.json: repositories[0].deploy.keep", "a number"),
            (#"[]"#, "deployctl.json: repositories[0].deploy", "an array"),
        ]
        for (block, location, found) in cases {
            let error = try #require(refusal(block), "\(block)")
            #expect(error.code == .invalidManifest, "\(block)")
            #expect(error.location == location, "\(block): \(error.location)")
            #expect(error.found == found, "\(block): \(error.found)")
            #expect(!error.accepted.isEmpty)
        }
    }

    @Test func aRevisionIsDeployedOnceAndNeverWhenBlockedFailedOrItsTreeIsTheDeployedOne() {
        #expect(DeployPhase.shouldDeploy(revision: "a", tree: "t1", state: nil))
        let healthy = DeploymentState(repository: "api", revision: "a", tree: "t1", state: .healthy)
        #expect(!DeployPhase.shouldDeploy(revision: "a", tree: "t1", state: healthy), "deployed already")
        #expect(!DeployPhase.shouldDeploy(revision: "b", tree: "t1", state: healthy), "the same tree")
        #expect(DeployPhase.shouldDeploy(revision: "b", tree: "t2", state: healthy))
        var blocked = healthy
        blocked.blockedRevisions = ["b"]
        #expect(!DeployPhase.shouldDeploy(revision: "b", tree: "t2", state: blocked))
        var failed = DeploymentState(repository: "api", revision: "a", tree: "t1", state: .failed, failedRevision: "b")
        #expect(!DeployPhase.shouldDeploy(revision: "b", tree: "t2", state: failed), "not until a person acts")
        #expect(DeployPhase.shouldDeploy(revision: "c", tree: "t1", state: failed), "a new revision is tried")
        failed.failedRevision = nil
        #expect(!DeployPhase.shouldDeploy(revision: "a", tree: "t1", state: failed))
    }

    @Test func onlyAGreenBuildOrAnUnchangedTreeWhoseLastBuildWasGreenIsACandidate() {
        func record(_ outcome: RepositoryCycleRecord.Outcome, _ result: RecordedBuildResult?) -> RepositoryCycleRecord {
            RepositoryCycleRecord(
                repository: "api", head: "abc", outcome: outcome, buildResult: result, startedAt: Date(),
                finishedAt: Date())
        }
        #expect(DeployPhase.candidate(record(.built, .passed), previous: nil) == "abc")
        #expect(DeployPhase.candidate(record(.built, .flaky), previous: nil) == "abc")
        #expect(DeployPhase.candidate(record(.built, .failed), previous: nil) == nil)
        let green = RepositoryState(repository: "api", lastBuild: record(.built, .passed))
        let red = RepositoryState(repository: "api", lastBuild: record(.built, .failed))
        #expect(DeployPhase.candidate(record(.unchanged, nil), previous: green) == "abc")
        #expect(DeployPhase.candidate(record(.unchanged, nil), previous: red) == nil)
        #expect(DeployPhase.candidate(record(.superseded, nil), previous: green) == nil)
        #expect(DeployPhase.candidate(record(.updateFailed, nil), previous: green) == nil)
    }

    @Test func aReleaseIsExactlyTheCommittedTreeAndCurrentSwitchesByRenameAndPruningKeepsTheProtected() throws {
        try ScratchDirectory.withSync(prefix: "releases") { scratch in
            let fixture = GitFixture(scratch: scratch)
            let remote = try fixture.makeRemote("api", files: ["run.sh": "echo hi\n", "lib/a.txt": "a\n"])
            let checkout = try fixture.clone(remote, as: "checkout")
            try Shell.check(["chmod", "+x", "run.sh"], in: checkout)
            try Shell.check(["ln", "-s", "lib/a.txt", "link"], in: checkout)
            let second = try fixture.commit(["lib/a.txt": "b\n"], in: checkout, message: "second")
            try "not committed\n".write(to: checkout.appendingPathComponent("untracked.txt"), atomically: true, encoding: .utf8)
            let git = try GitRepository.open(at: checkout)
            let root = DeployRoot(url: scratch.appending("root"))
            let releases = ReleaseFolders(root: root, repository: try RepositoryName("api"))
            let id = try #require(ObjectID(hex: second))
            let folder = try releases.create(id, from: git)

            #expect(try String(contentsOf: folder.appendingPathComponent("lib/a.txt"), encoding: .utf8) == "b\n")
            #expect(FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("run.sh").path))
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("link").path) == "lib/a.txt")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("untracked.txt").path))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path))
            #expect(try releases.create(id, from: git) == folder, "an existing release is kept as it is")

            try releases.switchCurrent(to: second)
            #expect(releases.current() == second)
            let first = try Shell.check(["git", "rev-parse", "HEAD~1"], in: checkout)
            try releases.create(try #require(ObjectID(hex: first)), from: git)
            try releases.switchCurrent(to: first)
            #expect(releases.current() == first)
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.currentReleases.path) == ["api"])

            #expect(releases.prune(keep: 1, protecting: [first, second]).isEmpty, "the protected releases stay")
            #expect(releases.prune(keep: 1, protecting: [first]) == [second])
            #expect(releases.kept() == [first])
        }
    }
}
