import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@Suite struct AnalyzerMemoryTests {
    /// A 64 MB log of real output is read in chunks: peak memory grows far less than the file's size, and every
    /// repetition is counted.
    @Test func largeLogIsParsedWithBoundedMemory() throws {
        try ScratchDirectory.withSync { scratch in
            var seed = Data()
            for name in ["compile-errors-tty.txt", "tests-mixed-piped.txt", "crash-swifttesting-tty.txt"] {
                seed.append(try Data(contentsOf: Fixture.url(name)))
            }
            let url = scratch.appending("large.log")
            #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
            let handle = try FileHandle(forWritingTo: url)
            var chunk = Data()
            while chunk.count < 4_000_000 { chunk.append(seed) }
            let copiesPerChunk = chunk.count / seed.count
            var copies = 0
            while copies * seed.count < 64_000_000 {
                handle.write(chunk)
                copies += copiesPerChunk
            }
            try handle.close()
            chunk = Data()

            let before = ProcessInspection.peakResidentBytes()
            let report = try BuildLogAnalyzer.analyze(fileAt: url)
            let growth = ProcessInspection.peakResidentBytes() - before
            #expect(growth < 24_000_000, "peak RSS grew by \(growth) bytes for a 64 MB log")
            #expect(report.errorCount == 4)
            #expect(report.diagnostics.allSatisfy { $0.occurrences == copies })
            #expect(report.tests.passed == 4 * copies)
            #expect(report.tests.failures.count == 3)
        }
    }
}
