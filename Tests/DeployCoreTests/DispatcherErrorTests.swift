import DeployCore
import DeployTestSupport
import Foundation
import Testing

/// DeployCore's one error type: every failure says where, what was found and what is accepted, and its code tells a
/// configuration problem (the CLI's 2) from a failure to run (3).
@Suite struct DispatcherErrorTests {
    @Test func aRootOpenedTwiceIsLockedAndNamesItsHolder() async throws {
        try await ScratchDirectory.with { scratch in
            let root = DeployRoot(url: scratch.appending("root"))
            let first = try root.open(command: "deployctl loop")
            let error = try #require(throws: DispatcherError.self) { try root.open(command: "deployctl run-once") }
            #expect(error.code == .rootLocked)
            #expect(!error.code.isConfiguration, "a held lock is a failure to run, not a usage error")
            #expect(error.location == root.lockFile.path)
            #expect(error.found.contains("(deployctl loop)"), "the holder describes itself: \(error)")
            #expect(error.description.hasPrefix("another dispatcher holds the lock on this root: pid "))
            #expect(error.description.hasSuffix("; stop it first, or use another --root"))
            withExtendedLifetime(first) {}
        }
    }

    @Test func aStoreThatIsNotSQLiteIsAStoreErrorNamingTheFile() async throws {
        try await ScratchDirectory.with { scratch in
            let file = scratch.appending("state.sqlite")
            try Data(repeating: 0x41, count: 4096).write(to: file)
            let error = try #require(throws: DispatcherError.self) { try SQLiteStateStore(url: file) }
            #expect(error.code == .store)
            #expect(!error.code.isConfiguration)
            #expect(error.location == file.path)
            #expect(error.found.hasPrefix("could not open: "), "\(error)")
        }
    }

    @Test func configurationCodesAreUsageErrorsAndTheOthersAreNot() {
        let configuration: [DispatcherError.Code] = [
            .invalidValue, .malformedFile, .unreadableFile, .invalidManifest, .invalidRepositoryName, .invalidRoot,
        ]
        let running: [DispatcherError.Code] = [.rootLocked, .store, .toolchain, .feedback]
        #expect(configuration.filter { !$0.isConfiguration }.isEmpty)
        #expect(running.filter { $0.isConfiguration }.isEmpty)
    }
}
