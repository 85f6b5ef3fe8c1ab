import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Testing

/// A checkout deleted or damaged under the dispatcher (its `.git` gone, `HEAD` corrupt, objects missing): detected,
/// reported in the cycle, moved aside into `deploy/quarantine/` (nothing is deleted) and cloned again where a remote
/// is known; the other repositories are built in the same cycle.
@Suite struct DamagedRepositoryTests {
    enum Damage: String, CaseIterable, Sendable {
        case gitDirectoryRemoved, corruptHEAD, missingObjects, lostBranch
    }

    static func inflict(_ damage: Damage, on checkout: URL) throws {
        let git = checkout.appendingPathComponent(".git")
        switch damage {
        case .gitDirectoryRemoved:
            try FileManager.default.removeItem(at: git)
        case .corruptHEAD:
            // Neither a symbolic ref nor an object id: what a torn write or a bad disk leaves.
            try Data([0x00, 0xFF, 0x13, 0x37, 0x0A, 0x67, 0x61, 0x72, 0x62, 0x61, 0x67, 0x65]).write(
                to: git.appendingPathComponent("HEAD"))
        case .lostBranch:
            // The branch's ref is gone (its reflog stays): HEAD names an unborn branch over an index full of files.
            try FileManager.default.removeItem(at: git.appendingPathComponent("refs/heads/main"))
            let packed = git.appendingPathComponent("packed-refs")
            if let text = try? String(contentsOf: packed, encoding: .utf8) {
                let kept = text.split(separator: "\n").filter { !$0.hasSuffix(" refs/heads/main") }
                try Data((kept.joined(separator: "\n") + "\n").utf8).write(to: packed)
            }
        case .missingObjects:
            let objects = git.appendingPathComponent("objects")
            let files = FileManager.default.enumerator(at: objects, includingPropertiesForKeys: [.isRegularFileKey])
            while let file = files?.nextObject() as? URL {
                if (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                    try FileManager.default.removeItem(at: file)
                }
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedCheckoutIsQuarantinedAndClonedAgain(damage: Damage) async throws {
        var root = try FaultRoot(prefix: "damaged")
        defer { root.remove() }
        try root.addRepository("healthy")
        let remote = try root.addRepository("victim")
        let dispatcher = try root.dispatcher()
        let first = try await root.cycle(dispatcher)
        #expect(first.exitStatus == 0)
        // Something only the damaged folder holds: it must survive in quarantine.
        try Data("precious\n".utf8).write(to: root.checkout("victim").appendingPathComponent("precious.txt"))
        try Self.inflict(damage, on: root.checkout("victim"))
        let pushed = try root.fixture.pushCommit(to: root.scratch.appending("healthy.git"), files: ["n.txt": "2\n"])

        let report = try await root.cycle(dispatcher)

        let victim = try #require(report.byName["victim"])
        #expect(victim.summary.contains("damaged checkout ("), "\(victim.summary)")
        #expect(victim.summary.contains("moved to deploy/quarantine/victim-"), "\(victim.summary)")
        #expect(victim.summary.contains("cloned again from \(remote.path)"), "\(victim.summary)")
        #expect(victim.outcome == .built || victim.outcome == .unchanged)
        let head = try Shell.check(["git", "rev-parse", "HEAD"], in: root.checkout("victim"))
        #expect(head == (try Shell.check(["git", "rev-parse", "main"], in: remote)))
        #expect(try Shell.check(["git", "status", "--porcelain"], in: root.checkout("victim")).isEmpty)
        let quarantined = try FileManager.default.contentsOfDirectory(
            at: root.root.deploy.appendingPathComponent("quarantine"), includingPropertiesForKeys: nil)
        #expect(quarantined.count == 1)
        #expect(
            (try? String(contentsOf: quarantined[0].appendingPathComponent("precious.txt"), encoding: .utf8))
                == "precious\n", "the damaged folder is kept whole")
        #expect(root.log.messages(atLeast: .error, repository: "victim").contains { $0.contains("quarantine") })
        // `status` points the operator at it.
        let status = try StatusReport.load(root: root.root)
        #expect(status.quarantined?.map(\.repository) == ["victim"])
        #expect(status.quarantined?.first?.path == quarantined[0].path)
        let movedAt = try #require(status.quarantined?.first?.movedAt)
        #expect(abs(movedAt.timeIntervalSinceNow) < 600)
        #expect(report.byName["healthy"]?.outcome == .built)
        #expect(report.byName["healthy"]?.head == pushed)
        #expect(report.exitStatus == 0, "the repository is served again in the same cycle")
    }

    @Test func aBranchNeverCommittedIsLocalChangesNotDamage() async throws {
        var root = try FaultRoot(prefix: "damaged-unborn")
        defer { root.remove() }
        let remote = try root.addRepository("fresh", declared: false)
        // `git init` and `git add` over the remote's files, never committed: no reflog, so not a lost branch.
        let folder = root.checkout("fresh")
        try FileManager.default.removeItem(at: folder.appendingPathComponent(".git"))
        try Shell.check(["git", "init", "--quiet", "--initial-branch=main"], in: folder)
        try Shell.check(["git", "remote", "add", "origin", remote.path], in: folder)
        try Shell.check(["git", "add", "-A"], in: folder)
        let dispatcher = try root.dispatcher()

        let report = try await root.cycle(dispatcher)

        let record = try #require(report.byName["fresh"])
        #expect(record.outcome == .updateFailed)
        #expect(record.summary.contains("local changes"), "\(record.summary)")
        #expect(!FileManager.default.fileExists(atPath: root.root.deploy.appendingPathComponent("quarantine").path))
    }

    @Test func aDamagedUndeclaredCheckoutIsClonedAgainFromItsOwnOrigin() async throws {
        var root = try FaultRoot(prefix: "damaged-origin")
        defer { root.remove() }
        try root.addRepository("healthy")
        let remote = try root.addRepository("loose", declared: false)
        try Self.inflict(.corruptHEAD, on: root.checkout("loose"))
        let dispatcher = try root.dispatcher()

        let report = try await root.cycle(dispatcher)

        let loose = try #require(report.byName["loose"])
        #expect(loose.summary.contains("cloned again from \(remote.path)"), "\(loose.summary)")
        #expect(try Shell.check(["git", "rev-parse", "HEAD"], in: root.checkout("loose")).count == 40)
        #expect(report.byName["healthy"]?.outcome == .built)
    }

    @Test func aDamagedCheckoutWithoutARemoteIsReportedAndLeftInPlace() async throws {
        var root = try FaultRoot(prefix: "damaged-local")
        defer { root.remove() }
        try root.addRepository("healthy")
        let local = root.checkout("local")
        try Shell.check(["git", "init", "--quiet", "--initial-branch=main", local.path])
        try root.fixture.commit(["README.md": "local only\n"], in: local)
        try Self.inflict(.corruptHEAD, on: local)
        let dispatcher = try root.dispatcher()

        let report = try await root.cycle(dispatcher)

        let record = try #require(report.byName["local"])
        #expect(record.outcome == .updateFailed)
        #expect(record.summary.contains("damaged checkout ("), "\(record.summary)")
        #expect(record.summary.contains("left in place"), "\(record.summary)")
        #expect(FileManager.default.fileExists(atPath: local.appendingPathComponent("README.md").path))
        #expect(report.byName["healthy"]?.outcome == .built)
        #expect(report.exitStatus == 3)
    }

    @Test func theCommandLineExitsWith3AndNamesTheQuarantineFolder() throws {
        var root = try FaultRoot(prefix: "damaged-cli")
        defer { root.remove() }
        try root.addRepository("victim")
        let deadRemote = try root.addRepository("dead")
        try FileManager.default.removeItem(at: deadRemote)  // a dead remote: infrastructure, exit 3
        try Self.inflict(.corruptHEAD, on: root.checkout("victim"))

        let result = try Deployctl.run(["run-once", "--root", root.url.path])

        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("moved to deploy/quarantine/victim-"), "\(result.stderr)")
        let status = try Deployctl.run(["status", "--json", "--root", root.url.path])
        #expect(status.stdout.contains("moved to deploy\\/quarantine\\/victim-") || status.stdout.contains("moved to deploy/quarantine/victim-"), "\(status.stdout)")
        #expect(status.stdout.contains("\"quarantined\""), "\(status.stdout)")
        let table = try Deployctl.run(["status", "--root", root.url.path])
        #expect(table.stdout.contains("damaged checkouts kept for you to recover"), "\(table.stdout)")
        #expect(table.stdout.contains("/deploy/quarantine/victim-"), "\(table.stdout)")
    }
}
