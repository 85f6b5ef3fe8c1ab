import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct PatchTests {
    /// A clone of a remote with a few files, and a diff made by the git CLI in a second clone.
    func makeDiff(
        _ box: Sandbox, files: [String: String], change: (URL) throws -> Void, binary: Bool = false
    ) throws -> (work: URL, diff: String) {
        let remote = try box.fixture.makeRemote("app", files: files)
        let work = try box.fixture.clone(remote, as: "app")
        let other = try box.fixture.clone(remote, as: "other")
        try change(other)
        try Shell.check(["git", "add", "-A"], in: other)
        let diff = try Shell.run(["git", "diff", "--cached", "-M"] + (binary ? ["--binary"] : []), in: other).stdout
        return (work, diff)
    }

    @Test func patchedPathsAreKnownBeforeAnythingIsWritten() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (_, diff) = try makeDiff(box, files: ["a.txt": "a\n", "old.txt": String(repeating: "line\n", count: 20), "gone.txt": "g\n"]) { dir in
            try box.fixture.write(["a.txt": "changed\n", "added.txt": "new\n"], in: dir)
            try Shell.check(["git", "mv", "old.txt", "renamed.txt"], in: dir)
            try Shell.check(["git", "rm", "--quiet", "gone.txt"], in: dir)
        }
        let paths = try GitRepository.patchedPaths(in: diff).sorted { $0.path < $1.path }
        #expect(paths == [
            PatchedPath(
                oldPath: "a.txt", newPath: "a.txt", status: .modified, isBinary: false, oldMode: 0o100644,
                newMode: 0o100644),
            PatchedPath(oldPath: nil, newPath: "added.txt", status: .added, isBinary: false, newMode: 0o100644),
            PatchedPath(oldPath: "gone.txt", newPath: nil, status: .deleted, isBinary: false, oldMode: 0o100644),
            PatchedPath(oldPath: "old.txt", newPath: "renamed.txt", status: .renamed, isBinary: false),
        ])
        #expect(paths.allSatisfy { !$0.escapesRepository })
    }

    @Test func applyWritesWorkTreeAndIndex() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (work, diff) = try makeDiff(box, files: ["a.txt": "a\n"]) { dir in
            try box.fixture.write(["a.txt": "patched\n", "b.txt": "b\n"], in: dir)
        }
        let repo = try GitRepository.open(at: work)
        let checked = try repo.apply(diff: diff, checkOnly: true)
        #expect(checked.count == 2)
        #expect(try box.read("a.txt", in: work) == "a\n")
        #expect(try repo.status().isClean)
        try repo.apply(diff: diff)
        #expect(try box.read("a.txt", in: work) == "patched\n")
        #expect(try box.read("b.txt", in: work) == "b\n")
        #expect(try repo.status().staged.sorted() == ["a.txt", "b.txt"])
    }

    @Test func aCheckWritesNoObjectsAndTheApplyAfterItWritesThem() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (work, diff) = try makeDiff(box, files: ["a.txt": "a\n"]) { dir in
            try box.fixture.write(["a.txt": "patched by a check\n", "b.txt": "new by a check\n"], in: dir)
        }
        let objects = { try Shell.check(["git", "count-objects", "-v"], in: work) }
        let before = try objects()
        let repo = try GitRepository.open(at: work)
        try repo.apply(diff: diff, checkOnly: true)
        try repo.apply(diff: diff, to: .index, checkOnly: true)
        #expect(try objects() == before)
        let blob = try Shell.check(["git", "hash-object", "--stdin"], in: work, input: "patched by a check\n")
        #expect(try Shell.run(["git", "cat-file", "-e", blob], in: work).status != 0)

        try repo.apply(diff: diff)
        #expect(try Shell.run(["git", "cat-file", "-e", blob], in: work).status == 0)
        #expect(try repo.status().staged.sorted() == ["a.txt", "b.txt"])
    }

    @Test func patchThatDoesNotApplyWritesNothing() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (work, diff) = try makeDiff(box, files: ["a.txt": "a\n", "z.txt": "z\n"]) { dir in
            try box.fixture.write(["a.txt": "patched\n", "z.txt": "patched\n"], in: dir)
        }
        // The second file no longer matches the patch's preimage; the first still does.
        try box.fixture.write(["z.txt": "drifted\n"], in: work)
        let repo = try GitRepository.open(at: work)
        let checkError = #expect(throws: GitError.self) { try repo.apply(diff: diff, to: .workTree, checkOnly: true) }
        #expect(checkError?.code == .patchDoesNotApply)
        let error = #expect(throws: GitError.self) { try repo.apply(diff: diff, to: .workTree) }
        #expect(error?.code == .patchDoesNotApply)
        #expect(try box.read("a.txt", in: work) == "a\n")
        #expect(try box.read("z.txt", in: work) == "drifted\n")
        #expect(try repo.status().unstaged == ["z.txt"])
    }

    @Test func binaryPatchIsReportedAndApplied() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let bytes = Data((0..<600).map { UInt8(($0 * 7) % 256) })
        let (work, diff) = try makeDiff(box, files: ["readme.txt": "r\n"], change: { dir in
            try bytes.write(to: dir.appendingPathComponent("logo.bin"))
        }, binary: true)
        #expect(diff.contains("GIT binary patch"))
        let paths = try GitRepository.patchedPaths(in: diff)
        #expect(
            paths == [PatchedPath(oldPath: nil, newPath: "logo.bin", status: .added, isBinary: true, newMode: 0o100644)])
        try GitRepository.open(at: work).apply(diff: diff)
        #expect(try Data(contentsOf: work.appendingPathComponent("logo.bin")) == bytes)
    }

    @Test func pathsEscapingTheRepositoryAreReportedAndRefused() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let work = try box.fixture.clone(try box.fixture.makeRemote("app"), as: "app")
        let escaping = """
            diff --git a/../outside.txt b/../outside.txt
            new file mode 100644
            index 0000000..e69de29
            --- /dev/null
            +++ b/../outside.txt
            @@ -0,0 +1 @@
            +pwned

            """
        let intoGit = """
            diff --git a/.git/hooks/post-checkout b/.git/hooks/post-checkout
            new file mode 100755
            --- /dev/null
            +++ b/.git/hooks/post-checkout
            @@ -0,0 +1 @@
            +echo pwned

            """
        for diff in [escaping, intoGit] {
            let paths = try GitRepository.patchedPaths(in: diff)
            #expect(paths.count == 1 && paths[0].escapesRepository)
            let error = #expect(throws: GitError.self) { try GitRepository.open(at: work).apply(diff: diff) }
            #expect(error?.code == .unsafePath)
        }
        #expect(!FileManager.default.fileExists(atPath: box.url("outside.txt").path))
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent(".git/hooks/post-checkout").path))
        #expect(PatchedPath.isUnsafe("/etc/passwd"))
        #expect(!PatchedPath.isUnsafe("Sources/App/main.swift"))
    }

    @Test func garbageIsNotADiff() throws {
        let error = #expect(throws: GitError.self) {
            try GitRepository.patchedPaths(in: "diff --git a/x b/x\n@@ nonsense @@\n+++\n")
        }
        #expect(error?.code == .invalidArgument)
    }
}
