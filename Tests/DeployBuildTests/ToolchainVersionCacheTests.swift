import DeployBuild
import DeployTestSupport
import Foundation
import Testing

/// The version cache, pinned with a stand-in `swift` script that records each time it is run.
@Suite struct ToolchainVersionCacheTests {
    /// Writes an executable `swift` into `folder` that prints `version` and appends a line to `runs` when run.
    private static func writeSwift(in folder: URL, version: String, runs: URL) throws -> URL {
        let swift = folder.appending(path: "swift")
        let script = "#!/bin/sh\necho run >> '\(runs.path)'\necho '\(version)'\n"
        try Data(script.utf8).write(to: swift)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: swift.path)
        return swift
    }

    private static func runCount(_ runs: URL) -> Int {
        ((try? String(contentsOf: runs, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func anUnchangedToolchainIsAskedForItsVersionOnce() async throws {
        try await ScratchDirectory.with { scratch in
            let runs = scratch.appending("runs")
            let swift = try Self.writeSwift(in: scratch.url, version: "Swift version 9.9", runs: runs)
            let cache = ToolchainVersionCache(file: scratch.appending("versions.json"))
            let locator = ToolchainLocator(probe: ToolchainProbe(isMacOS: false, environment: ["PATH": "/nonexistent"]))

            let first = try await locator.locate(override: swift.path, cache: cache)
            let second = try await locator.locate(override: swift.path, cache: cache)

            #expect(first.version == "Swift version 9.9")
            #expect(second == first)
            #expect(Self.runCount(runs) == 1)
        }
    }

    @Test func aReplacedToolchainIsAskedAgain() async throws {
        try await ScratchDirectory.with { scratch in
            let runs = scratch.appending("runs")
            let swift = try Self.writeSwift(in: scratch.url, version: "Swift version 9.9", runs: runs)
            let cache = ToolchainVersionCache(file: scratch.appending("versions.json"))
            let locator = ToolchainLocator(probe: ToolchainProbe(isMacOS: false, environment: ["PATH": "/nonexistent"]))
            _ = try await locator.locate(override: swift.path, cache: cache)

            // An upgrade in place: another file at the same path.
            try FileManager.default.removeItem(at: swift)
            _ = try Self.writeSwift(in: scratch.url, version: "Swift version 10.0.1", runs: runs)
            let upgraded = try await locator.locate(override: swift.path, cache: cache)

            #expect(upgraded.version == "Swift version 10.0.1")
            #expect(Self.runCount(runs) == 2)
        }
    }

    @Test func aFrontendBesideTheDriverIsPartOfTheIdentity() async throws {
        try await ScratchDirectory.with { scratch in
            let runs = scratch.appending("runs")
            let swift = try Self.writeSwift(in: scratch.url, version: "Swift version 9.9", runs: runs)
            let cache = ToolchainVersionCache(file: scratch.appending("versions.json"))
            #expect(cache.version(for: [swift.path]) == nil)
            cache.remember("Swift version 9.9", for: [swift.path])
            #expect(cache.version(for: [swift.path]) == "Swift version 9.9")

            try Data("frontend".utf8).write(to: scratch.appending("swift-frontend"))
            #expect(cache.version(for: [swift.path]) == nil)
        }
    }

    @Test func xcrunIsNeverCached() async throws {
        try await ScratchDirectory.with { scratch in
            let runs = scratch.appending("runs")
            let xcrun = scratch.appending("xcrun")
            try Data("#!/bin/sh\necho run >> '\(runs.path)'\necho 'Swift version 9.9'\n".utf8).write(to: xcrun)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: xcrun.path)
            let cache = ToolchainVersionCache(file: scratch.appending("versions.json"))
            let locator = ToolchainLocator(probe: ToolchainProbe(isMacOS: true, environment: ["PATH": scratch.path]))

            _ = try await locator.locate(cache: cache)
            _ = try await locator.locate(cache: cache)

            #expect(Self.runCount(runs) == 2)
            #expect(!FileManager.default.fileExists(atPath: scratch.appending("versions.json").path))
        }
    }

    @Test func anUnreadableCacheIsEmpty() throws {
        try ScratchDirectory.withSync { scratch in
            let file = scratch.appending("versions.json")
            try Data("not json".utf8).write(to: file)
            let swift = try Self.writeSwift(in: scratch.url, version: "v", runs: scratch.appending("runs"))
            let cache = ToolchainVersionCache(file: file)
            #expect(cache.version(for: [swift.path]) == nil)
            cache.remember("v", for: [swift.path])
            #expect(cache.version(for: [swift.path]) == "v")
        }
    }
}
