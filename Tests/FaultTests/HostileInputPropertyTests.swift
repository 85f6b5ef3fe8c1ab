import DeployBuild
import DeployCore
import DeployFeedback
import Foundation
import Testing

/// Bounded random-input runs (seeded, reproducible) over the parsers that read hostile input, asserting the
/// invariants of ``HostileInvariants`` plus round trips where the expected answer is known.
@Suite struct HostileInputPropertyTests {
    // MARK: Feedback files

    static let feedbackSeeds: [String] = [
        #"{"repo": "app", "patch": "diff --git a/x b/x\n", "description": "d"}"#,
        #"{"version": 1, "id": "fb-1", "repo": "app", "branch": "main", "base": "abc", "restart": false, "patch": "p", "description": "", "metadata": {"a": [1, 2.5, null, true]}}"#,
        #"{"version": 2, "repo": "app", "patch": "p"}"#,
        #"{"repo": 7, "patch": ["no"], "description": {}}"#,
    ]
    static let jsonSplices: [[UInt8]] = [
        "{", "}", "[", "]", "\"", "\\u0000", "\\ud800", ":", ",", "null", "1e400", "-0", "\u{0}", "\u{FEFF}",
        #""version": 1e9"#, #""id": """#, "\u{7f}", "\r\n",
    ].map { Array($0.utf8) }

    /// `check` on JSON mutated from `seeds` (``jsonSplices``), until the first broken invariant.
    static func checkMutatedJSON(
        _ seeds: [String], _ check: (Data) -> [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var random = SeededGenerator(seed: PropertySettings.seed)
        for iteration in 0..<PropertySettings.iterations * 5 {
            let input = random.mutate(Array(random.pick(seeds).utf8), splices: jsonSplices)
            let broken = check(Data(input))
            #expect(
                broken.isEmpty, "seed \(PropertySettings.seed), iteration \(iteration): \(broken)",
                sourceLocation: sourceLocation)
            if !broken.isEmpty { return }
        }
    }

    @Test func feedbackFilesFromMutatedSeedsAreParsedOrRejected() {
        Self.checkMutatedJSON(Self.feedbackSeeds, HostileInvariants.feedback)
    }

    @Test(arguments: [64, 512, 100_000])
    func deeplyNestedFeedbackIsRejectedWithoutACrash(depth: Int) {
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let text = #"{"repo": "app", "patch": "p", "metadata": {"deep": "# + nested + "}}"
        #expect(HostileInvariants.feedback(Data(text.utf8)).isEmpty)
    }

    // MARK: Push webhooks

    static let pushSeeds: [String] = [
        #"{"ref": "refs/heads/main", "repository": {"full_name": "acme/api", "clone_url": "https://github.com/acme/api.git", "ssh_url": "git@github.com:acme/api.git"}}"#,
        #"{"ref": "refs/tags/v1", "repository": {"html_url": "http://127.0.0.1:3000/o/r", "url": 7}, "commits": [{}]}"#,
        #"{"ref": "refs/heads/", "repository": {"full_name": null}}"#,
    ]

    @Test func pushPayloadsFromMutatedSeedsAreReadOrRefusedWithAShortReason() {
        Self.checkMutatedJSON(Self.pushSeeds, PushEventInvariants.check)
    }

    // MARK: Patch paths

    static let segments = [
        "a", "src", "s", "out", "up", "g", "..", ".", "", ".git", ".GIT", ".git.", ".git ", "git~1", "GIT~1",
        ".github", "workflows", "dispatcher.env", "x.env", "~", "\\", "a b", "é", "\t", "..\\..", "%2e%2e", "-",
    ]

    static func randomPath(_ random: inout SeededGenerator) -> String {
        (0..<Int.random(in: 1...4, using: &random)).map { _ in random.pick(segments) }.joined(separator: "/")
    }

    static func randomPatch(_ random: inout SeededGenerator) -> String {
        var patch = ""
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let old = randomPath(&random)
            let new = random.chance(0.7) ? old : randomPath(&random)
            func quoted(_ path: String) -> String {
                random.chance(0.2) ? "\"" + path.replacingOccurrences(of: ".", with: "\\056") + "\"" : path
            }
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                patch += "diff --git a/\(old) b/\(new)\n--- a/\(old)\n+++ b/\(new)\n@@ -1 +1 @@\n-x\n+y\n"
            case 1:
                patch += "diff --git a/\(old) b/\(new)\nsimilarity index 100%\nrename from \(quoted(old))\nrename to \(quoted(new))\n"
            default:
                patch += "--- \(random.chance(0.5) ? "a/" : "")\(quoted(old))\n+++ \(random.chance(0.5) ? "b/" : "")\(quoted(new))\n@@ -0,0 +1 @@\n+z\n"
            }
        }
        return random.chance(0.2) ? patch.replacingOccurrences(of: "\n", with: "\r\n") : patch
    }

    @Test func acceptedPatchPathsNeverLeaveTheRepository() {
        var random = SeededGenerator(seed: PropertySettings.seed)
        var accepted = 0
        for iteration in 0..<PropertySettings.iterations * 5 {
            var patch = Self.randomPatch(&random)
            if random.chance(0.3) {
                patch = String(decoding: random.mutate(Array(patch.utf8), splices: [Array("\n".utf8), Array("/..".utf8)]), as: UTF8.self)
            }
            let broken = HostileInvariants.patch(patch)
            #expect(broken.isEmpty, "seed \(PropertySettings.seed), iteration \(iteration): \(broken)\n\(patch)")
            if !broken.isEmpty { return }
            if (try? PatchPolicy().check(patch: patch, repository: PolicyRepository.shared.url)) != nil { accepted += 1 }
        }
        #expect(accepted > 0, "the generator also makes acceptable patches, so the invariant is exercised")
    }

    @Test func aCRLFPatchIsReadLineByLineAsGitReadsIt() throws {
        let patch = "diff --git a/README.md b/README.md\r\n--- a/README.md\r\n+++ b/README.md\r\n@@ -1 +1 @@\r\n-hi\r\n+hello\r\n"
        #expect(try UnifiedDiff.summarize(patch).paths == ["README.md"])
        // A later header is seen, so the deny-list applies to it.
        let sneaky = "diff --git a/ok b/ok\r\n--- a/ok\r\n+++ b/ok\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n"
            + "diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\r\n--- a/.github/workflows/ci.yml\r\n"
            + "+++ b/.github/workflows/ci.yml\r\n@@ -1 +1 @@\r\n-x\r\n+y\r\n"
        let error = #expect(throws: FeedbackError.self) {
            try PatchPolicy().check(patch: sneaky, repository: PolicyRepository.shared.url)
        }
        #expect(error?.code == .deniedPath, "\(String(describing: error))")
    }

    /// The differential check of deployctl's patch reader against libgit2's, over git's header spellings (see
    /// ``PatchHeaderSpellings``): both read what git writes, so a patch in any of them is judged and not refused.
    @Test func everyHeaderSpellingIsReadAsGitWritesIt() {
        var random = SeededGenerator(seed: PropertySettings.seed &+ 7)
        var kinds = Set<String>()
        for iteration in 0..<PropertySettings.iterations * 5 {
            var choices = PatchHeaderSpellings.Choices((0..<64).map { _ in UInt8.random(in: 0...255, using: &random) })
            let generated = PatchHeaderSpellings.make(&choices)
            kinds.formUnion(generated.spellings.map { String($0.prefix { $0 != " " }) })
            let broken = PatchHeaderSpellings.agreement(generated)
            #expect(broken.isEmpty, "seed \(PropertySettings.seed), iteration \(iteration): \(broken)")
            if !broken.isEmpty { return }
        }
        #expect(kinds.isSuperset(of: ["modify", "add", "delete", "rename", "copy", "modeChange"]), "\(kinds)")
    }

    @Test func acceptedPathListsNeverLeaveTheRepository() {
        var random = SeededGenerator(seed: PropertySettings.seed &+ 1)
        for iteration in 0..<PropertySettings.iterations * 5 {
            let paths = (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.randomPath(&random) }
            let broken = HostileInvariants.paths(paths)
            #expect(broken.isEmpty, "seed \(PropertySettings.seed), iteration \(iteration): \(broken)")
            if !broken.isEmpty { return }
        }
    }

    // MARK: dispatcher.env

    @Test func generatedEnvironmentFilesRoundTripWithTheirLineNumbers() throws {
        var random = SeededGenerator(seed: PropertySettings.seed &+ 2)
        for iteration in 0..<PropertySettings.iterations {
            let ending = random.pick(["\n", "\r\n"])
            var text = ""
            var expected: [(key: String, value: String, line: Int)] = []
            for line in 1...Int.random(in: 1...8, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0: text += random.pick(["", "   ", "# a comment", "\t# indented comment"])
                default:
                    let key = random.pick(["A", "DISPATCHER_X", "_k1", "GITHUB_TOKEN"]) + "\(line)"
                    let value = random.pick(["v", "with space", "a#b", "é", ""])
                    let form = Int.random(in: 0..<4, using: &random)
                    switch form {
                    case 0: text += "\(key)=\(value)"
                    case 1: text += "export \(key)=\"\(value)\""
                    case 2: text += "\(key)='\(value)'"
                    default: text += "  \(key)=\(value)   # trailing comment"
                    }
                    let stored = form == 0 || form == 3 ? value.trimmingCharacters(in: .whitespaces) : value
                    expected.append((key, stored, line))
                }
                text += ending
            }
            let file = try EnvironmentFile(contents: text, path: "dispatcher.env")
            let got = file.entries.map { "\($0.key)=\($0.value)@\($0.line)" }
            let want = expected.map { "\($0.key)=\($0.value)@\($0.line)" }
            #expect(got == want, "seed \(PropertySettings.seed), iteration \(iteration): \(text.debugDescription)")
            if got != want { return }
        }
    }

    @Test func aCRLFEnvironmentFileKeepsEveryLine() throws {
        let file = try EnvironmentFile(contents: "A=1\r\nB=\"two\"\r\n# c\r\nC=3\r\n", path: "dispatcher.env")
        #expect(file.entries.map(\.key) == ["A", "B", "C"])
        #expect(file.entries.map(\.value) == ["1", "two", "3"])
        #expect(file.entries.map(\.line) == [1, 2, 4])
    }

    @Test func mutatedEnvironmentFilesParseOrNameTheirLine() {
        var random = SeededGenerator(seed: PropertySettings.seed &+ 3)
        let seed = Array("A=1\nexport B=\"x\\\"y\"\n# c\nC='z' # d\n\nD=e f\r\n".utf8)
        let splices = ["=", "\"", "'", "\\", "\n", "\r\n", "#", "export ", "\u{0}", "é", " "].map { Array($0.utf8) }
        for iteration in 0..<PropertySettings.iterations * 5 {
            let text = String(decoding: random.mutate(seed, splices: splices), as: UTF8.self)
            let broken = HostileInvariants.environmentFile(text)
            #expect(broken.isEmpty, "seed \(PropertySettings.seed), iteration \(iteration): \(broken) in \(text.debugDescription)")
            if !broken.isEmpty { return }
        }
    }

    // MARK: Build logs

    static let logSeeds: [String] = [
        "/src/Sources/App/main.swift:3:7: error: cannot find 'x' in scope",
        "/src/Sources/App/main.swift:3:7: warning: variable 'y' was never used",
        "Test Case '-[AppTests.AppTests testA]' started.",
        "/src/Tests/AppTests/AppTests.swift:9: error: -[AppTests.AppTests testA] : XCTAssertEqual failed",
        "Test Case '-[AppTests.AppTests testA]' failed (0.002 seconds).",
        "􀟈 Test \"adds\" started.", "􀢄 Test \"adds\" recorded an issue at AppTests.swift:4:5: Expectation failed",
        "􁁛 Test run with 2 tests in 1 suite passed after 0.003 seconds.",
        "Fatal error: Index out of range", "Exited with unexpected signal code 4",
        "\u{1B}[1m\u{1B}[31merror:\u{1B}[0m link failed", "[12/40] Compiling App main.swift", "Build complete!",
        "  2 | let x = y", "    |         `- error: cannot find 'y' in scope",
    ]

    @Test func mutatedLogsParseTheSameWayAsTextAndFromAFile() throws {
        var random = SeededGenerator(seed: PropertySettings.seed &+ 4)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let splices = ["\n", "\r", ":", ": error: ", "'", "\"", "\u{1B}[", "\u{1B}]8;;", "-[", "]", "(", " seconds)"]
            .map { Array($0.utf8) }
        for iteration in 0..<PropertySettings.iterations {
            let lines = (0..<Int.random(in: 1...12, using: &random)).map { _ in random.pick(Self.logSeeds) }
            let bytes = random.mutate(Array(lines.joined(separator: "\n").utf8), splices: splices)
            let broken = HostileInvariants.log(Data(bytes))
            #expect(broken.isEmpty, "seed \(PropertySettings.seed), iteration \(iteration): \(broken)")
            // Valid UTF-8 reads the same from a file (in chunks) as from memory.
            if let text = String(validating: bytes, as: UTF8.self) {
                try Data(bytes).write(to: scratch)
                let fromFile = try BuildLogAnalyzer.analyze(fileAt: scratch)
                #expect(fromFile == BuildLogAnalyzer.analyze(text: text), "seed \(PropertySettings.seed), iteration \(iteration)")
            }
            if !broken.isEmpty { return }
        }
    }

    @Test func aHugeSingleLineAndRandomBytesParseWithoutACrash() {
        var random = SeededGenerator(seed: PropertySettings.seed &+ 5)
        let huge = Data(repeating: UInt8(ascii: "e"), count: 300_000) + Data(": error: x\n".utf8)
        #expect(HostileInvariants.log(huge).isEmpty)
        for _ in 0..<50 {
            let bytes = (0..<Int.random(in: 0...4096, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(HostileInvariants.log(Data(bytes)).isEmpty)
        }
    }
}

extension HostileInputPropertyTests {
    // MARK: Repository names

    /// A name deployctl accepts (manifest, `--repo`, a feedback file's `repo`) always names a folder directly under
    /// `repos/`, never a path elsewhere.
    @Test func acceptedRepositoryNamesStayDirectlyUnderRepos() throws {
        var random = SeededGenerator(seed: PropertySettings.seed &+ 6)
        let root = DeployRoot(url: URL(fileURLWithPath: "/srv/deploy"))
        let pieces = ["a", "B", "1", "-", "_", ".", "..", "/", "\\", "~", " ", "\u{0}", "é", ".git", "%2f", "\n", "repos"]
        var accepted = 0
        for iteration in 0..<PropertySettings.iterations * 5 {
            let name = (0..<Int.random(in: 1...5, using: &random)).map { _ in random.pick(pieces) }.joined()
            if let valid = try? RepositoryName(name) {
                accepted += 1
                let folder = root.repository(valid).standardizedFileURL
                #expect(
                    folder.deletingLastPathComponent().path == root.repositories.standardizedFileURL.path,
                    "seed \(PropertySettings.seed), iteration \(iteration): \(name.debugDescription) → \(folder.path)")
                #expect(folder.lastPathComponent == name)
            }
        }
        #expect(accepted > 0)
    }
}
