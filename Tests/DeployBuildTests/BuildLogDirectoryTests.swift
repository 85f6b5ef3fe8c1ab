import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@Suite struct BuildLogDirectoryTests {
    static let date = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC

    @Test func namesAreUTCAndCollisionSafeAndBuildLogPointsAtTheLatest() throws {
        try ScratchDirectory.withSync { scratch in
            let directory = BuildLogDirectory(url: scratch.appending("logs"))
            let first = try directory.makeCycleLog(at: Self.date)
            let second = try directory.makeCycleLog(at: Self.date)
            let third = try directory.makeCycleLog(at: Self.date)
            #expect(first.url.lastPathComponent == "build-20261118-110640.log")
            #expect(second.url.lastPathComponent == "build-20261118-110640-2.log")
            #expect(third.url.lastPathComponent == "build-20261118-110640-3.log")
            let link = try FileManager.default.destinationOfSymbolicLink(
                atPath: scratch.appending("logs/build.log").path
            )
            #expect(link == "build-20261118-110640-3.log")
            #expect(
                directory.entries().map(\.url.lastPathComponent) == [
                    "build-20261118-110640.log", "build-20261118-110640-2.log", "build-20261118-110640-3.log",
                ]
            )
            try third.append(line: "hello")
            #expect(try String(contentsOfFile: scratch.appending("logs/build.log").path, encoding: .utf8) == "hello\n")
        }
    }

    @Test func withoutLinkingTheLatestACommittedBuildLogIsLeftAsItIs() throws {
        try ScratchDirectory.withSync { scratch in
            let folder = scratch.appending("logs")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let committed = folder.appendingPathComponent("build.log")
            try Data("the seed's last log\n".utf8).write(to: committed)
            let directory = BuildLogDirectory(url: folder, linksLatest: false)
            let log = try directory.makeCycleLog(at: Self.date)
            try log.append(line: "this cycle")
            #expect(try String(contentsOf: committed, encoding: .utf8) == "the seed's last log\n")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: committed.path)) == nil)
            #expect(directory.latest == log.url, "the latest log is the newest by name")
        }
    }

    @Test func concurrentWritersKeepLinesWhole() async throws {
        try await ScratchDirectory.with { scratch in
            let log = try BuildLogDirectory(url: scratch.url).makeCycleLog(at: Self.date)
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for index in 0..<200 {
                            try? log.append(lines: [
                                "writer \(writer) line \(index) " + String(repeating: "x", count: 500)
                            ])
                        }
                    }
                }
            }
            let lines = try String(contentsOf: log.url, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 1600)
            #expect(lines.allSatisfy { $0.hasPrefix("writer ") && $0.hasSuffix(String(repeating: "x", count: 500)) })
        }
    }

    @Test func pruneByCountAgeAndSizeKeepsTheNewest() throws {
        try ScratchDirectory.withSync { scratch in
            let directory = BuildLogDirectory(url: scratch.url)
            var logs: [BuildLogFile] = []
            for day in 0..<5 {
                let log = try directory.makeCycleLog(at: Self.date.addingTimeInterval(Double(day) * 86_400))
                try log.append(line: String(repeating: "y", count: 999))  // 1000 bytes each
                try Data("{}".utf8).write(to: log.reportURL(repository: "api"))
                logs.append(log)
            }
            let now = Self.date.addingTimeInterval(4 * 86_400 + 60)
            // Age: older than 3.5 days goes (day 0).
            var removed = directory.prune(
                LogRetentionPolicy(maximumCount: nil, maximumAge: 3.5 * 86_400, maximumTotalBytes: nil),
                now: now
            )
            #expect(
                removed.map(\.lastPathComponent).sorted() == [
                    "build-20261118-110640.api.json", "build-20261118-110640.log",
                ]
            )
            // Count: keep 3 (day 1 goes).
            removed = directory.prune(
                LogRetentionPolicy(maximumCount: 3, maximumAge: nil, maximumTotalBytes: nil),
                now: now
            )
            #expect(removed.map(\.lastPathComponent).contains("build-20261119-110640.log"))
            // Size: 1002 bytes per cycle; a limit of 1500 keeps only the newest.
            removed = directory.prune(
                LogRetentionPolicy(maximumCount: nil, maximumAge: nil, maximumTotalBytes: 1500),
                now: now
            )
            #expect(removed.count == 4)
            #expect(directory.entries().map(\.url.lastPathComponent) == ["build-20261122-110640.log"])
            // The newest is never removed, even past every limit.
            #expect(
                directory.prune(LogRetentionPolicy(maximumCount: 0, maximumAge: 0, maximumTotalBytes: 0), now: now)
                    .isEmpty
            )
            #expect(directory.latest?.lastPathComponent == "build-20261122-110640.log")
        }
    }
}

extension ScratchDirectory {
    static func withSync<T>(_ body: (ScratchDirectory) throws -> T) throws -> T {
        let scratch = try ScratchDirectory(prefix: "deploybuild")
        defer { scratch.remove() }
        return try body(scratch)
    }
}
