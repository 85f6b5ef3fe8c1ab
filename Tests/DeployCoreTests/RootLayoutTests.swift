import DeployCore
import DeployTestSupport
import Foundation
import Testing

@Suite struct RootLayoutTests {
    @Test(arguments: ["api", "hello-service", "my_repo.v2", "A1"])
    func validRepositoryNames(_ name: String) throws {
        #expect(try RepositoryName(name).rawValue == name)
    }

    @Test(arguments: ["", "..", ".", "../x", "a/b", "-rf", ".hidden", "x; rm -rf /", "a b", "naïve", "x\u{0}y",
                      String(repeating: "a", count: 101)])
    func invalidRepositoryNamesAreRejected(_ name: String) {
        #expect(throws: DispatcherError.self) { try RepositoryName(name) }
    }

    @Test func repositoryFoldersAreListedSortedAndInvalidOnesReported() async throws {
        try await ScratchDirectory.with { scratch in
            let root = DeployRoot(url: scratch.url)
            for folder in ["b", "a", ".hidden", "bad name"] {
                try FileManager.default.createDirectory(
                    at: root.repositories.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            try Data().write(to: root.repositories.appendingPathComponent("file"))
            let listing = root.repositoryFolders()
            #expect(listing.names.map(\.rawValue) == ["a", "b"])
            #expect(listing.ignored == ["bad name"])
        }
    }

    @Test func manifestParsesEntriesAndRejectsTyposAndBadNames() throws {
        let manifest = try Manifest.parse(
            Data(#"{"repositories":[{"name":"api","url":"/srv/api.git","branch":"dev","build":["make"],"shallow":true}]}"#.utf8),
            path: "deployctl.json")
        let api = try #require(manifest.repository(named: RepositoryName("api")))
        #expect(api.url == "/srv/api.git")
        #expect(api.branch == "dev")
        #expect(api.buildCommand == ["make"])
        #expect(api.testCommand == nil)
        #expect(api.shallow)

        let cases: [(String, String)] = [
            (#"{"repositories":[{"name":"api","url":"x","brnach":"dev"}]}"#, "the unknown key 'brnach'"),
            (#"{"repositories":[{"name":"../x","url":"x"}]}"#, "'../x'"),
            (#"{"repositories":[{"url":"x"}]}"#, "nothing"),
            (#"{"repositories":[{"name":"api","shallow":true}]}"#, "'shallow' without 'url'"),
            (#"{"repositories":[{"name":"api","branch":"main"}]}"#, "'branch' without 'url'"),
            (#"{"repositories":[{"name":"api","url":""}]}"#, "''"),
            (#"{"repositories":[{"name":"api","url":"x","shallow":1}]}"#, "a number"),
            (#"{"repositories":[{"name":"api","url":"x","build":"make"}]}"#, "a string"),
            (#"{"repositories":[{"name":"a","url":"x"},{"name":"a","url":"y"}]}"#, "'a' a second time"),
            (#"[1]"#, "JSON that is not an object"),
            (#"{"#, "text that is not JSON"),
        ]
        for (json, found) in cases {
            #expect {
                try Manifest.parse(Data(json.utf8), path: "deployctl.json")
            } throws: { error in
                (error as! DispatcherError).found == found
            }
        }
    }

    @Test func anEntryWithoutURLNamesAVendoredFolderThatCarriesItsOwnCommands() throws {
        let manifest = try Manifest.parse(
            Data(#"{"repositories":[{"name":"kong-codex","build":["sh","build.sh"],"test":["sh","test.sh"]}]}"#.utf8),
            path: "deployctl.json")
        let entry = try #require(manifest.repository(named: RepositoryName("kong-codex")))
        #expect(entry.url == nil)
        #expect(entry.buildCommand == ["sh", "build.sh"])
        #expect(entry.testCommand == ["sh", "test.sh"])
        #expect(!entry.shallow)
    }

    @Test func deployctlsOwnPathsCoverWhatItWritesInTheRoot() {
        let root = DeployRoot(url: URL(fileURLWithPath: "/srv/deploy"))
        let written = [
            root.stateDatabase, URL(fileURLWithPath: root.stateDatabase.path + "-wal"), root.lockFile,
            root.toolchainVersionCache, root.logs.appendingPathComponent("build.log"),
            root.logs.appendingPathComponent("build-20260101-000000.api.json"), root.quarantine,
            root.feedback.appendingPathComponent("applied/x.result.json"),
            root.feedback.appendingPathComponent(".inflight/.journal.jsonl"),
            root.feedback.appendingPathComponent(".ledger.jsonl"), root.deploy.appendingPathComponent("worktrees/x"),
        ]
        for url in written {
            let path = String(url.path.dropFirst(root.url.path.count + 1)) + (url == root.quarantine ? "/" : "")
            #expect(DeployRoot.ownedPaths.contains { path.hasPrefix($0) }, "\(path)")
        }
        for path in ["deploy/dispatcher_v2.py", "repos/kong-codex/kong.yml", "commands/restart-services.sh", "docs/x.md"] {
            #expect(!DeployRoot.ownedPaths.contains { path.hasPrefix($0) }, "\(path) is the repository's own")
        }
    }

    @Test func aSecondLockOnTheSameRootFailsAtOnceNamingTheHolder() async throws {
        try await ScratchDirectory.with { scratch in
            let root = DeployRoot(url: scratch.url)
            var first: DispatcherLock? = try DispatcherLock(root: root, command: "deployctl loop")
            #expect(first != nil)
            // A second holder in another process is the real case; run one through the shell's flock(1).
            let result = try Shell.run(["flock", "--nonblock", root.lockFile.path, "true"])
            #expect(result.status != 0)
            #expect(DispatcherLock.holder(of: root)?.contains("deployctl loop") == true)
            first = nil
            #expect(try Shell.run(["flock", "--nonblock", root.lockFile.path, "true"]).status == 0)
            #expect(DispatcherLock.holder(of: root) == nil)
        }
    }

    @Test func aHolderThatWasKilledIsKnownToTheNextOneAndACleanReleaseIsNot() async throws {
        try await ScratchDirectory.with { scratch in
            let root = DeployRoot(url: scratch.url)
            try FileManager.default.createDirectory(at: root.deploy, withIntermediateDirectories: true)
            // What a SIGKILLed holder leaves: its line, and no flock (the kernel dropped it).
            try "pid 4242 (deployctl loop) since 2026-11-25T13:00:00Z\n".write(
                to: root.lockFile, atomically: true, encoding: .utf8)
            var lock: DispatcherLock? = try DispatcherLock(root: root, command: "deployctl run-once")
            let lifetime = try #require(lock?.interruptedHolderLifetime)
            #expect(lifetime.lowerBound == ISO8601DateFormatter().date(from: "2026-11-25T13:00:00Z"))
            #expect(lifetime.upperBound <= Date())
            lock = nil
            let next = try DispatcherLock(root: root, command: "deployctl run-once")
            #expect(next.interruptedHolderLifetime == nil, "a clean release leaves nothing to find")
        }
    }
}
