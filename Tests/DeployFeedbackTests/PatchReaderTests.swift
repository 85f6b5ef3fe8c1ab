import DeployFeedback
import Foundation
import Testing

/// The policy judges what git will write: libgit2's own reading of the patch, which deployctl's reader must agree
/// with. Each test is a header spelling that once made the policy check one path while libgit2 wrote another.
@Suite("One reading of a patch")
struct PatchReaderTests {
    private func refusal(_ patch: String, policy: PatchPolicy = PatchPolicy()) throws -> FeedbackError? {
        let folder = try TemporaryFolder()
        do {
            try policy.check(patch: patch, repository: folder.url)
            return nil
        } catch {
            return error
        }
    }

    @Test func renameOldAndNewAreRenameFromAndTo() throws {
        let patch = """
            diff --git a/README.md b/.github/workflows/evil.yml
            similarity index 100%
            rename old README.md
            rename new .github/workflows/evil.yml

            """
        let error = try #require(try refusal(patch))
        #expect(error.code == .deniedPath)
        #expect(error.paths == [".github/workflows/evil.yml"])
    }

    @Test(arguments: ["x", "src", "prefix-that-is-not-a"])
    func anyPrefixIsStrippedAsGitDoes(prefix: String) throws {
        let patch = """
            diff --git \(prefix)/.github/workflows/ci.yml \(prefix)/.github/workflows/ci.yml
            new file mode 100644
            --- /dev/null
            +++ \(prefix)/.github/workflows/ci.yml
            @@ -0,0 +1 @@
            +on: push

            """
        let error = try #require(try refusal(patch))
        #expect(error.code == .deniedPath)
        #expect(error.paths == [".github/workflows/ci.yml"])
    }

    @Test func aNoPrefixDiffLosesItsFirstFolder() throws {
        // `git diff --no-prefix` output: git apply (and libgit2) still strip one folder, so `ci/.env` writes `.env`.
        let patch = """
            diff --git ci/.env ci/.env
            new file mode 100644
            --- /dev/null
            +++ ci/.env
            @@ -0,0 +1 @@
            +TOKEN=x

            """
        let summary = try PatchReader.read(patch)
        #expect(summary.paths == [".env"])
        #expect(try refusal(patch)?.code == .deniedPath)
    }

    @Test(arguments: ["120000", "160000", "040000", "100600"])
    func modesOnTheIndexLineAreJudged(mode: String) throws {
        let patch = """
            diff --git a/README.md b/README.md
            index 1234567..89abcde \(mode)
            --- a/README.md
            +++ b/README.md
            @@ -1 +1 @@
            -hello
            +/etc/passwd

            """
        let error = try #require(try refusal(patch))
        #expect(error.code == .specialFileMode)
        #expect(error.message.contains(mode))
    }

    @Test func anOldModeOfALinkIsJudgedToo() throws {
        let patch = """
            diff --git a/link b/link
            old mode 120000
            new mode 100644
            index 1234567..89abcde
            --- a/link
            +++ b/link
            @@ -1 +1 @@
            -/etc
            +text

            """
        #expect(try refusal(patch)?.code == .specialFileMode)
    }

    @Test func aPathGitReadsDifferentlyIsRefusedNotGuessed() throws {
        // git's unquoting keeps the NUL byte; libgit2's C string then ends there: the readers disagree.
        let patch = #"""
            diff --git a/README.md b/x
            similarity index 100%
            rename from README.md
            rename to "evil\000.txt"

            """#
        let error = try #require(try refusal(patch))
        #expect(error.code == .ambiguousPatch)
        #expect(error.message.contains("git reads"))
    }

    @Test func gitsReadingIsWhatThePolicyReturns() throws {
        let patch = """
            diff --git a/src//main.swift b/src//main.swift
            index 1234567..89abcde 100755
            --- a/src//main.swift
            +++ b/src//main.swift
            @@ -1 +1 @@
            -a
            +b

            """
        let folder = try TemporaryFolder()
        let summary = try PatchPolicy().check(patch: patch, repository: folder.url)
        #expect(summary.files == [PatchedFile(oldPath: "src/main.swift", newPath: "src/main.swift", oldMode: "100755", newMode: "100755")])
    }

    @Test func aFolderPatchStaysInItsFolder() throws {
        let patch = """
            diff --git a/a.txt b/commands/restart-app.sh
            similarity index 100%
            rename old a.txt
            rename new commands/restart-app.sh

            """
        let folder = try TemporaryFolder()
        let read = try PatchReader.read(patch, inFolder: "repos/hello")
        #expect(read.inRepository.paths == ["repos/hello/a.txt", "repos/hello/commands/restart-app.sh"])
        #expect(read.patch.contains("rename old repos/hello/a.txt\nrename new repos/hello/commands/restart-app.sh\n"))
        let checked = try PatchPolicy().check(patch: patch, inFolder: "repos/hello", of: folder.url)
        #expect(checked.summary.paths == read.inRepository.paths)
    }

    @Test func aFolderPatchWithDotDotCannotLeaveIt() throws {
        let patch = """
            diff --git a/a.txt b/x
            similarity index 100%
            rename from a.txt
            rename to ../../commands/restart-app.sh

            """
        let folder = try TemporaryFolder()
        do {
            _ = try PatchPolicy().check(patch: patch, inFolder: "repos/hello", of: folder.url)
            Issue.record("a rename out of the folder was accepted")
        } catch {
            #expect(error.code == .pathTraversal)
        }
    }
}
