import DeployBuild
import Foundation

/// A JUnit XML report of a cycle, as CI systems ingest it: one `<testsuite>` per built repository, a `<testcase>`
/// for the build step and one per failed test; the passing tests appear as counts (the logs name only failures).
/// `deployctl run-once --junit PATH` writes it.
public enum JUnitReport {
    /// The report of `report`'s builds.
    public static func xml(for report: CycleReport) -> String {
        var suites = ""
        var totalTests = 0
        var totalFailures = 0
        for name in report.builds.keys.sorted() {
            guard let build = report.builds[name] else { continue }
            let tests = build.report.tests
            let buildFailed = build.report.errorCount > 0 || (build.steps.first.map { !$0.outcome.result.isPassed } ?? false)
            var cases = "    <testcase classname=\"\(escape(name))\" name=\"build\">"
            if buildFailed {
                let first = build.report.diagnostics.first { $0.severity == .error }
                cases += "<failure message=\"\(escape(first?.message ?? "build failed"))\"/>"
            }
            cases += "</testcase>\n"
            for failure in tests.failures {
                let location = [failure.file, failure.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
                cases += "    <testcase classname=\"\(escape("\(name).\(failure.suite ?? "tests")"))\" name=\"\(escape(failure.name))\">"
                cases += "<failure message=\"\(escape(failure.message))\">\(escape(location))</failure></testcase>\n"
            }
            if tests.passed > 0 {
                cases += "    <testcase classname=\"\(escape(name))\" name=\"\(tests.passed) passing tests\"/>\n"
            }
            let count = 1 + tests.failures.count + (tests.passed > 0 ? 1 : 0)
            let failures = (buildFailed ? 1 : 0) + tests.failures.count
            totalTests += count
            totalFailures += failures
            suites += "  <testsuite name=\"\(escape(name))\" tests=\"\(count)\" failures=\"\(failures)\" skipped=\"0\">\n"
            suites += cases + "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"deployctl\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\">\n" + suites
            + "</testsuites>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
