/// XCTest and Swift Testing results: passed, skipped and failed tests, and the tests still running.
extension BuildOutputParser {
    mutating func applyXCTest(_ test: XCTestCaseLine) {
        inTestRun = true
        current = nil
        switch test.event {
        case .started:
            runningXCTest = (test.suite, test.test)
            xctestIssues = []
        case .passed:
            report.tests.passed += 1
            runningXCTest = nil
        case .skipped:
            report.tests.skipped += 1
            runningXCTest = nil
        case .failed:
            report.tests.failed += 1
            let first = xctestIssues.first
            report.addFailure(
                BuildReport.TestFailure(
                    suite: test.suite,
                    name: test.test,
                    file: first?.file,
                    line: first?.line,
                    message: first?.message ?? "failed",
                    issues: max(xctestIssues.count, 1),
                    framework: "xctest"
                ),
                index: &failureIndex
            )
            xctestIssues = []
            runningXCTest = nil
        }
    }

    mutating func applySwiftTesting(_ test: SwiftTestingTestLine) {
        switch test.event {
        case .started:
            runningSwiftTests.append(test.name)
        case .passed:
            report.tests.passed += 1
            finishSwiftTest(test.name)
        case .skipped:
            report.tests.skipped += 1
        case .failed:
            report.tests.failed += 1
            let issues = swiftTestingIssues.removeValue(forKey: test.name) ?? []
            let first = issues.first
            report.addFailure(
                BuildReport.TestFailure(
                    suite: nil,
                    name: test.name,
                    file: first?.file,
                    line: first?.line,
                    message: first?.message ?? "failed",
                    issues: max(issues.count, 1),
                    framework: "swift-testing"
                ),
                index: &failureIndex
            )
            finishSwiftTest(test.name)
        }
    }

    /// Forgets tests left running (a crash, a killed run), so state stays bounded in logs holding many runs.
    mutating func endTestRun() {
        guard runningXCTest != nil || !runningSwiftTests.isEmpty || !swiftTestingIssues.isEmpty else { return }
        if crashSeen { resolveCrash() }
        runningXCTest = nil
        runningSwiftTests.removeAll()
        swiftTestingIssues.removeAll()
    }

    mutating func finishSwiftTest(_ name: String) {
        if let index = runningSwiftTests.lastIndex(of: name) { runningSwiftTests.remove(at: index) }
    }
}

extension BuildReport {
    /// Appends `failure`, or counts another occurrence of the same test's failure.
    mutating func addFailure(_ failure: TestFailure, index: inout [String: Int]) {
        let key = "\(failure.framework)\u{0}\(failure.suite ?? "")\u{0}\(failure.name)"
        if let existing = index[key] {
            tests.failures[existing].occurrences += 1
        } else {
            index[key] = tests.failures.count
            tests.failures.append(failure)
        }
    }
}
