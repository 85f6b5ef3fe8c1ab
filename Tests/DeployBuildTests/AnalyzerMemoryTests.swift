import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@Suite struct AnalyzerMemoryTests {
    /// A 64 MB log of real output is read in chunks: peak memory stays far below the file's size, and every
    /// repetition is counted.
    ///
    /// The memory is measured in a process of its own (`deployctl analyze`, its peak RSS read by a python parent
    /// through `getrusage`), because this test process runs other suites in parallel.
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

            let measured = try Shell.check([
                "python3", "-c",
                "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
                    + "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
                Deployctl.executable.path, "analyze", url.path, "--json",
            ])
            let peakKilobytes = try #require(Int(measured))
            #expect(peakKilobytes < 48_000, "deployctl analyze peaked at \(peakKilobytes) kB for a 64 MB log")
            let report = try BuildLogAnalyzer.analyze(fileAt: url)
            #expect(report.errorCount == 4)
            #expect(report.diagnostics.allSatisfy { $0.occurrences == copies })
            #expect(report.tests.passed == 4 * copies)
            #expect(report.tests.failures.count == 3)
        }
    }
}
