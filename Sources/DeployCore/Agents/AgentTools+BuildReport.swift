import DeployBuild
import DeployFeedback
import Foundation

extension AgentTools {
    /// The most diagnostics (and failed tests) one report carries.
    public static let reportItemLimit = 50
    /// Lines of source shown before and after a diagnostic's line.
    public static let sourceRadius = 4
    /// The longest message carried; longer ones are cut with `…`.
    static let messageLimit = 4_000

    /// The last build and test report of `name`, read again from its log.
    /// - Throws: ``AgentToolError`` for an unknown repository, one that never built, or a log that is gone.
    public func buildReport(repository name: String) throws(AgentToolError) -> AgentBuildReport {
        let repository = try repository(name)
        let build = try lastBuild(of: name)
        let logURL = try logFile(of: build, repository: name)
        let parsed: BuildReport
        do { parsed = try BuildLogAnalyzer.analyze(fileAt: logURL) } catch {
            throw AgentToolError("the log of \(name)'s last build cannot be read: \(error)")
        }
        let locator = PathLocator(repository: repository.directory)
        func place(_ printed: String?) -> String? {
            guard let printed else { return nil }
            return locator.relative(printed) ?? redactor.redact(locator.relativeInText(printed))
        }
        func source(_ file: String?, _ line: Int?) -> [AgentBuildReport.SourceLine]? {
            guard let file, let line, let relative = locator.relative(file),
                let lines = locator.lines(relative, around: line, radius: Self.sourceRadius)
            else { return nil }
            return lines.map { AgentBuildReport.SourceLine(number: $0.number, text: redactor.redact($0.text)) }
        }
        let diagnostics = parsed.diagnostics.prefix(Self.reportItemLimit).map { diagnostic in
            AgentBuildReport.Diagnostic(
                file: place(diagnostic.file), line: diagnostic.line, column: diagnostic.column,
                severity: diagnostic.severity, message: text(locator.relativeInText(diagnostic.message)),
                notes: diagnostic.notes.prefix(Self.reportItemLimit).map { note in
                    BuildReport.Note(
                        file: place(note.file), line: note.line, column: note.column,
                        message: text(locator.relativeInText(note.message)))
                },
                occurrences: diagnostic.occurrences, source: source(diagnostic.file, diagnostic.line))
        }
        let failures = parsed.tests.failures.prefix(Self.reportItemLimit).map { failure in
            AgentBuildReport.FailedTest(
                suite: failure.suite, name: text(failure.name), file: place(failure.file), line: failure.line,
                message: text(locator.relativeInText(failure.message)), source: source(failure.file, failure.line))
        }
        var crashed = parsed.tests.crashed
        if let message = crashed?.message { crashed?.message = text(message) }
        return AgentBuildReport(
            repository: name, commit: build.head, result: build.buildResult ?? .failed, finishedAt: build.finishedAt,
            log: relativeToRoot(logURL), errors: build.errors, warnings: build.warnings,
            testsPassed: build.testsPassed, testsFailed: build.testsFailed, testsSkipped: build.testsSkipped,
            diagnostics: Array(diagnostics), failedTests: Array(failures), crashedTest: crashed,
            truncated: parsed.diagnostics.count > Self.reportItemLimit
                || parsed.tests.failures.count > Self.reportItemLimit)
    }

    /// The last build recorded for `name`.
    /// Read from the store's repository states alone: one query, not the whole status report.
    func lastBuild(of name: String) throws(AgentToolError) -> RepositoryCycleRecord {
        let states: [String: RepositoryState]
        do { states = try SQLiteStateStore.openExisting(at: root.stateDatabase)?.repositoryStates() ?? [:] } catch {
            throw AgentToolError("the state of \(root.url.path) cannot be read: \(redactor.redact(error.description))")
        }
        guard let build = states[name]?.lastBuild, build.buildResult != nil else {
            throw AgentToolError("\(name) has not been built on this root yet (run a cycle first)")
        }
        return build
    }

    /// The log file a build record names, when it is still there and inside the root's logs.
    func logFile(of build: RepositoryCycleRecord, repository name: String) throws(AgentToolError) -> URL {
        guard let path = build.log else { throw AgentToolError("\(name)'s last build recorded no log") }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let logs = root.logs.standardizedFileURL.path + "/"
        var info = stat()
        guard url.path.hasPrefix(logs), lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw AgentToolError(
                "the log of \(name)'s last build (\(relativeToRoot(url))) is no longer there (logs are pruned by "
                    + "DISPATCHER_LOG_KEEP and DISPATCHER_LOG_MAX_AGE_DAYS)")
        }
        return url
    }

    /// `url`'s path relative to the root, when it is inside it.
    func relativeToRoot(_ url: URL) -> String {
        let base = root.url.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    /// `value` redacted and cut to ``messageLimit`` characters.
    func text(_ value: String) -> String {
        let redacted = redactor.redact(value)
        return redacted.count > Self.messageLimit ? redacted.prefix(Self.messageLimit) + "…" : redacted
    }
}
