import DeployBuild
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owned by the DeployBuild work: parse a large log, streaming.
///
/// `deployctl-bench parse-log FILE` parses FILE with ``BuildLogAnalyzer`` and prints the bytes read, the time, the
/// throughput, the peak resident memory (`VmHWM` from `/proc/self/status`) and what the parser found.
enum LogParseBenchmark {
    static func run(_ arguments: [String]) async throws {
        guard let path = arguments.first else {
            FileHandle.standardError.write(Data("usage: deployctl-bench parse-log FILE\n".utf8))
            exit(2)
        }
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let clock = ContinuousClock()
        let cpuStart = cpuSeconds()
        let start = clock.now
        let report = try BuildLogAnalyzer.analyze(fileAt: path)
        let elapsed = clock.now - start
        let cpu = cpuSeconds() - cpuStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let megabytesPerSecond = Double(bytes) / 1_000_000 / seconds
        let rate = String(format: "%.1f", megabytesPerSecond)
        let time = String(format: "%.3f", seconds)
        print("parse-log bytes=\(bytes) seconds=\(time) MB/s=\(rate) peakRSS=\(peakResident())")
        let cpuRate = String(format: "%.1f", Double(bytes) / 1_000_000 / cpu)
        print("parse-log cpuSeconds=\(String(format: "%.3f", cpu)) MB per CPU-second=\(cpuRate) (robust to a busy machine)")
        let errorOccurrences = report.diagnostics.filter { $0.severity == .error }.reduce(0) { $0 + $1.occurrences }
        print(
            "parse-log lines=\(report.lines) recognized=\(report.recognizedLines) distinctErrors=\(report.errorCount)"
                + " distinctWarnings=\(report.warningCount) errorOccurrences=\(errorOccurrences)"
                + " tests passed=\(report.tests.passed) failed=\(report.tests.failed)"
        )
    }

    /// User plus system CPU time of this process so far.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// `VmHWM` from `/proc/self/status`, e.g. `9876 kB`; "n/a" where there is no `/proc`.
    private static func peakResident() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "n/a" }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.dropFirst(6).trimmingCharacters(in: .whitespaces)
        }
        return "n/a"
    }
}
