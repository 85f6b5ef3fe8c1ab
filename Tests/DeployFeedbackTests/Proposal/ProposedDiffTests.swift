import DeployFeedback
import Foundation
import Testing

/// Taking the diff out of a model's answer: fenced diffs (with or without prose), whole-answer diffs, and refusals.
@Suite struct ProposedDiffTests {
    static let diff = """
        --- a/Sources/Svc/Answer.swift
        +++ b/Sources/Svc/Answer.swift
        @@ -1,3 +1,3 @@
         public func answer() -> Int {
        -    return 41
        +    return 42
         }

        """
    static let allowed = ["Sources/Svc/Answer.swift", "Tests/SvcTests/AnswerTests.swift"]

    /// What libgit2 reads: the plain diff with git's header line added.
    static let gitDiff = "diff --git a/Sources/Svc/Answer.swift b/Sources/Svc/Answer.swift\n" + diff

    @Test func aFencedDiffIsTaken() throws {
        let proposed = try ProposedDiff.extract(from: "```diff\n\(Self.diff)```\n", allowedPaths: Self.allowed)
        #expect(proposed.patch == Self.gitDiff)
        #expect(proposed.paths == ["Sources/Svc/Answer.swift"])
        #expect(proposed.wasFenced)
    }

    @Test func proseAroundAFencedDiffIsDropped() throws {
        let answer = """
            The test expects 42 but `answer()` returns 41. Here is the fix:

            ```diff
            \(Self.diff)```

            This makes `answerIsFortyTwo` pass.
            """
        let proposed = try ProposedDiff.extract(from: answer, allowedPaths: Self.allowed)
        #expect(proposed.patch == Self.gitDiff)
    }

    @Test func anAnswerThatIsADiffAsAWholeIsTaken() throws {
        let proposed = try ProposedDiff.extract(from: "\n" + Self.diff, allowedPaths: Self.allowed)
        #expect(proposed.patch == Self.gitDiff)
        #expect(!proposed.wasFenced)
    }

    @Test func proseIsNotADiff() throws {
        let error = try #require(throws: FeedbackError.self) {
            try ProposedDiff.extract(from: "I think you should return 42 instead of 41.", allowedPaths: Self.allowed)
        }
        #expect(error.code == .noDiff)
        #expect(error.code.isAnswerFault)
    }

    @Test func aDiffInsideProseWithoutAFenceIsRefused() throws {
        let error = try #require(throws: FeedbackError.self) {
            try ProposedDiff.extract(from: "Apply this:\n\(Self.diff)Thanks.", allowedPaths: Self.allowed)
        }
        #expect(error.code == .noDiff)
        #expect(error.message.contains("without a fenced block"))
    }

    @Test func aFencedBlockThatIsNotADiffIsRefused() throws {
        let error = try #require(throws: FeedbackError.self) {
            try ProposedDiff.extract(
                from: "```swift\npublic func answer() -> Int { 42 }\n```", allowedPaths: Self.allowed)
        }
        #expect(error.code == .noDiff)
    }

    @Test func aDiffForOtherFilesIsRefusedWithThosePaths() throws {
        let other = Self.diff.replacingOccurrences(of: "Sources/Svc/Answer.swift", with: "Package.swift")
        let error = try #require(throws: FeedbackError.self) {
            try ProposedDiff.extract(from: "```diff\n\(other)```", allowedPaths: Self.allowed)
        }
        #expect(error.code == .diffOutsideReport)
        #expect(error.paths == ["Package.swift"])
    }

    @Test func gitHeadersAreAddedOnlyWhereMissingAndHunkBodiesAreNotHeaders() throws {
        let tricky = """
            --- a/notes.txt
            +++ b/notes.txt
            @@ -1,2 +1,2 @@
            --- a removed line that looks like a header
            +++ an added line that looks like one
             context
            --- /dev/null
            +++ b/new.txt
            @@ -0,0 +1 @@
            +fresh

            """
        let proposed = try ProposedDiff.extract(from: "```diff\n\(tricky)```", allowedPaths: nil)
        #expect(proposed.paths == ["new.txt", "notes.txt"])
        #expect(proposed.patch.components(separatedBy: "diff --git ").count == 3)
        #expect(proposed.patch.contains("diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null"))
        let already = try ProposedDiff.extract(from: "```diff\n\(Self.gitDiff)```", allowedPaths: Self.allowed)
        #expect(already.patch == Self.gitDiff, "an existing git header is kept as it is")
    }

    @Test func aCorruptHunkIsNotADiff() throws {
        let corrupt = "--- a/Sources/Svc/Answer.swift\n+++ b/Sources/Svc/Answer.swift\n@@ -1,3 +1,3 @@\ngarbage\n"
        #expect(throws: FeedbackError.self) {
            try ProposedDiff.extract(from: "```diff\n\(corrupt)```", allowedPaths: Self.allowed)
        }
    }
}
