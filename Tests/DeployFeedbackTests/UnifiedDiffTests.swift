import Foundation
import Testing

@testable import DeployFeedback

@Suite("Reading paths from unified diffs")
struct UnifiedDiffTests {
    @Test func gitDiffWithNewDeletedRenamedAndCopiedFiles() throws {
        let patch = """
            diff --git a/src/a.swift b/src/a.swift
            index 1111111..2222222 100644
            --- a/src/a.swift
            +++ b/src/a.swift
            @@ -1,2 +1,2 @@
             let a = 1
            -let b = 2
            +let b = 3
            diff --git a/new.txt b/new.txt
            new file mode 100644
            index 0000000..3333333
            --- /dev/null
            +++ b/new.txt
            @@ -0,0 +1 @@
            +new
            diff --git a/gone.txt b/gone.txt
            deleted file mode 100644
            index 4444444..0000000
            --- a/gone.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -gone
            diff --git a/old name.txt b/new name.txt
            similarity index 100%
            rename from old name.txt
            rename to new name.txt
            diff --git a/x.txt b/y.txt
            similarity index 90%
            copy from x.txt
            copy to y.txt
            --- a/x.txt
            +++ b/y.txt
            @@ -1 +1 @@
            -x
            +y

            """
        let summary = try UnifiedDiff.summarize(patch)
        #expect(summary.files.count == 5)
        // The `index` line's mode is both sides' mode; a deleted file's mode is its old side's.
        #expect(
            summary.files[0]
                == PatchedFile(oldPath: "src/a.swift", newPath: "src/a.swift", oldMode: "100644", newMode: "100644"))
        #expect(summary.files[1] == PatchedFile(oldPath: nil, newPath: "new.txt", newMode: "100644"))
        #expect(summary.files[2] == PatchedFile(oldPath: "gone.txt", newPath: nil, oldMode: "100644"))
        #expect(summary.files[3] == PatchedFile(oldPath: "old name.txt", newPath: "new name.txt"))
        #expect(summary.files[4] == PatchedFile(oldPath: "x.txt", newPath: "y.txt"))
        #expect(
            summary.paths == ["gone.txt", "new name.txt", "new.txt", "old name.txt", "src/a.swift", "x.txt", "y.txt"])
    }

    @Test func removedLinesThatLookLikeHeadersStayHunkContent() throws {
        // Removing the SQL comment "-- old" gives the hunk line "--- old"; adding "++ new" gives "+++ new".
        let patch = """
            diff --git a/q.sql b/q.sql
            --- a/q.sql
            +++ b/q.sql
            @@ -1,2 +1,2 @@
            --- old
            ++++ /etc/passwd
             select 1;

            """
        let summary = try UnifiedDiff.summarize(patch)
        #expect(summary.paths == ["q.sql"])
    }

    @Test func quotedPathsWithEscapesAndOctalUTF8() throws {
        let patch = #"""
            diff --git "a/caf\303\251 menu.txt" "b/caf\303\251 menu.txt"
            --- "a/caf\303\251 menu.txt"
            +++ "b/caf\303\251 menu.txt"
            @@ -1 +1 @@
            -a
            +b
            diff --git a/tab b/"t\tb"
            rename from tab
            rename to "t\tb"

            """#
        let summary = try UnifiedDiff.summarize(patch)
        #expect(summary.paths == ["café menu.txt", "t\tb", "tab"])
    }

    @Test func aPlainUnifiedDiffIsNotAGitDiff() throws {
        // git (libgit2) reads files only from `diff --git` sections; a plain diff would be read as nothing by it.
        let patch = """
            --- project/.github/workflows/ci.yml\t2024-01-01 00:00:00
            +++ project/.github/workflows/ci.yml\t2024-01-02 00:00:00
            @@ -1 +1 @@
            -a
            +b

            """
        do {
            _ = try UnifiedDiff.summarize(patch)
            Issue.record("a plain diff was read")
        } catch {
            #expect(error.code == .malformedPatch)
            #expect(error.message.contains("diff --git"))
        }
    }

    @Test func anyPrefixLosesItsFirstFolderAndRenameLinesNamePathsWhole() throws {
        // As libgit2 reads them: `x/` is a prefix like `a/`; `rename old|new` is `rename from|to`; runs of `/` squash.
        let patch = """
            diff --git x/.github/workflows/ci.yml x/.github/workflows/ci.yml
            --- x/.github/workflows/ci.yml
            +++ x/.github/workflows/ci.yml
            @@ -1 +1 @@
            -a
            +b
            diff --git a/README.md b/commands/restart-app.sh
            similarity index 100%
            rename old README.md
            rename new commands//restart-app.sh
            diff --git src/main.swift src/main.swift
            --- src/main.swift
            +++ src/main.swift
            @@ -1 +1 @@
            -a
            +b

            """
        let summary = try UnifiedDiff.summarize(patch)
        #expect(summary.files.map(\.oldPath) == [".github/workflows/ci.yml", "README.md", "main.swift"])
        #expect(summary.files.map(\.newPath) == [".github/workflows/ci.yml", "commands/restart-app.sh", "main.swift"])
    }

    @Test func binaryAndSpecialModesAreSeen() throws {
        let patch = """
            diff --git a/logo.png b/logo.png
            new file mode 100644
            index 0000000..1234567
            GIT binary patch
            literal 4
            LcmZ?wbhEJ

            literal 0
            HcmV?d00001

            diff --git a/link b/link
            new file mode 120000
            --- /dev/null
            +++ b/link
            @@ -0,0 +1 @@
            +/etc
            \\ No newline at end of file

            """
        let summary = try UnifiedDiff.summarize(patch)
        #expect(summary.files[0].isBinary)
        #expect(summary.files[1].newMode == "120000")
        #expect(!summary.files[1].isBinary)
    }

    @Test(arguments: [
        "just some text\nwithout headers\n",
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n",
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n",
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ bad @@\n",
        "diff --git \"a/unterminated b/x\n",
        "diff --git a/x b/x\n--- \"a/\\q\"\n",
    ])
    func malformedPatches(patch: String) {
        #expect(throws: FeedbackError.self) { try UnifiedDiff.summarize(patch) }
        do { _ = try UnifiedDiff.summarize(patch) } catch { #expect(error.code == .malformedPatch) }
    }
}
