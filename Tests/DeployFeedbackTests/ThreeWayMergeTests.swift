import DeployTestSupport
import Foundation
import Testing

@testable import DeployFeedback

@Suite("Three-way merge and diff writing")
struct ThreeWayMergeTests {
    private func merge(_ base: String, _ ours: String, _ theirs: String) -> String? {
        ThreeWayMerge.merge(base: Array(base.utf8), ours: Array(ours.utf8), theirs: Array(theirs.utf8))
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func separateRegionsMerge() {
        let base = "a\nb\nc\nd\ne\nf\ng\n"
        let ours = "A\nb\nc\nd\ne\nf\ng\n"  // the branch changed the first line
        let theirs = "a\nb\nc\nd\ne\nf\nG\nh\n"  // the patch changed the end
        #expect(merge(base, ours, theirs) == "A\nb\nc\nd\ne\nf\nG\nh\n")
    }

    @Test func sameChangeOnBothSidesMerges() {
        #expect(merge("a\nb\n", "a\nB\n", "a\nB\n") == "a\nB\n")
    }

    @Test func overlappingChangesConflict() {
        #expect(merge("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n") == nil)
    }

    @Test func insertionsAndDeletionsAroundEachOther() {
        let base = "1\n2\n3\n4\n5\n6\n7\n8\n"
        let ours = "0\n1\n2\n3\n4\n5\n6\n7\n8\n"
        let theirs = "1\n2\n3\n5\n6\n7\n8\n9"
        #expect(merge(base, ours, theirs) == "0\n1\n2\n3\n5\n6\n7\n8\n9")
    }

    /// Diffs written for many pairs of files apply with the real `git apply` and give the new content.
    @Test func writtenDiffsApplyWithGit() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        try Shell.check(["git", "init", "--quiet", folder.url.path])
        var generator = SplitMix(seed: 42)
        var changes: [UnifiedDiffWriter.Change] = []
        for index in 0..<40 {
            let oldLines = (0..<Int(generator.next() % 40)).map { "line \($0) \(generator.next() % 5)\n" }
            var newLines = oldLines
            for _ in 0..<Int(generator.next() % 6) {
                let position = newLines.isEmpty ? 0 : Int(generator.next() % UInt64(newLines.count))
                switch generator.next() % 3 {
                case 0 where !newLines.isEmpty: newLines.remove(at: position)
                case 1: newLines.insert("inserted \(generator.next() % 100)\n", at: position)
                default: if !newLines.isEmpty { newLines[position] = "changed \(generator.next() % 100)\n" }
                }
            }
            var old = oldLines.joined()
            var new = newLines.joined()
            if index % 7 == 3 { old = String(old.dropLast()) }  // no final newline
            if index % 5 == 2 { new = String(new.dropLast()) }
            let path = index % 11 == 0 ? "dir/spaced name \(index).txt" : "file\(index).txt"
            if index % 13 == 4 {
                changes.append(.init(path: path, old: nil, new: Array("brand new\n".utf8)))
            } else if index % 13 == 9 {
                try Data(old.utf8).write(to: try create(folder.url, path))
                changes.append(.init(path: path, old: Array(old.utf8), new: nil))
            } else {
                try Data(old.utf8).write(to: try create(folder.url, path))
                changes.append(.init(path: path, old: Array(old.utf8), new: Array(new.utf8)))
            }
        }
        let patch = UnifiedDiffWriter.diff(changes)
        let summary = try UnifiedDiff.summarize(patch)
        #expect(Set(summary.changedPaths).isSubset(of: Set(changes.map(\.path))))
        try Shell.check(["git", "apply", "-"], in: folder.url, input: patch)
        for change in changes {
            let url = folder.url.appendingPathComponent(change.path)
            if let new = change.new {
                #expect(try Data(contentsOf: url) == Data(new), "\(change.path)")
            } else {
                #expect(!FileManager.default.fileExists(atPath: url.path), "\(change.path)")
            }
        }
    }

    private func create(_ root: URL, _ path: String) throws -> URL {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url
    }
}

/// A small deterministic random number generator for generated cases.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
