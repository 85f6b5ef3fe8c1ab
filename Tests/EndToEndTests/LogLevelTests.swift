import DeployTestSupport
import Foundation
import Testing

/// `--log-level` through the built binary: it sets the level of every logger, the libraries' own included.
@Suite struct LogLevelTests {
    /// A root with one repository whose build and test pass at once (its build logs `step finished` at info).
    func makeRoot(_ scratch: ScratchDirectory) throws -> URL {
        let fixture = GitFixture(scratch: scratch)
        let remote = try fixture.makeRemote("notes", files: ["README.md": "hello\n"])
        try fixture.clone(remote, as: "root/repos/notes")
        let root = scratch.appending("root")
        let manifest = #"""
            {"repositories": [{"name": "notes", "url": "\#(remote.path)", "build": ["true"], "test": ["true"]}]}
            """#
        try Data(manifest.utf8).write(to: root.appendingPathComponent("deployctl.json"))
        return root
    }

    /// The log lines (`TIMESTAMP LEVEL LABEL: …`) of `stderr`, by level.
    func logLevels(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, fields[0].contains("T"), fields[2].hasPrefix("deployctl") else { return nil }
            return String(fields[1])
        }
    }

    @Test func criticalPrintsNoInfoLinesFromAnyLogger() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-log-level")
        defer { scratch.remove() }
        let root = try makeRoot(scratch)

        let info = try Deployctl.run(["run-once", "--root", root.path, "--log-level", "info"])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stderr.contains("info deployctl.build:"), "the build logs at info by default: \(info.stderr)")

        let critical = try Deployctl.run(["run-once", "--root", root.path, "--log-level", "critical"])
        #expect(critical.status == 0, "\(critical.stderr)")
        #expect(logLevels(critical.stderr).isEmpty, "no log line below critical: \(critical.stderr)")
        #expect(critical.stderr.contains("cycle "), "the cycle summary is output, not a log line")
    }

    @Test func debugPrintsDebugLines() throws {
        let scratch = try ScratchDirectory(prefix: "e2e-log-level")
        defer { scratch.remove() }
        let root = try makeRoot(scratch)
        let result = try Deployctl.run(["run-once", "--root", root.path, "--log-level", "debug"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(logLevels(result.stderr).contains("debug"), "\(result.stderr)")
    }
}
