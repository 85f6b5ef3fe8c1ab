import DeployBuild
import Foundation

/// Builds and tests a patched tree before anything is published, with DeployBuild's `RepositoryBuilder`.
///
/// The patched code is untrusted: with ``sandbox`` set, every step runs confined (bubblewrap on Linux) to the
/// throwaway worktree and a scratch `HOME`, with the deploy root and the dispatcher's home out of sight; every step's
/// environment is the allow-list of `StepEnvironment`, never a secret.
///
/// Each repository is verified with its own settings when ``repositorySettings`` has an entry for it (the manifest's
/// `build`/`test` overrides, so that non-Swift repositories verify too), else with ``settings``.
public struct FeedbackVerifier: Sendable {
    public var builder: RepositoryBuilder
    /// The settings of repositories without an entry in ``repositorySettings``.
    public var settings: RepositoryBuildSettings
    /// Settings by repository name (`repos/NAME`), e.g. with a manifest's build and test commands.
    public var repositorySettings: [String: RepositoryBuildSettings]
    public var toolchain: Toolchain
    /// The folder verification logs go to (`deploy/logs`); each run gets `feedback-<id>-<time>.log` and its report.
    public var logDirectory: URL
    /// Redacted from every captured line; never in a step's environment.
    public var secrets: [String]
    /// How verification steps are confined; `nil` runs them without a sandbox (none available, or opted out).
    public var sandbox: SandboxSettings?

    public init(
        builder: RepositoryBuilder = RepositoryBuilder(), settings: RepositoryBuildSettings,
        repositorySettings: [String: RepositoryBuildSettings] = [:], toolchain: Toolchain, logDirectory: URL,
        secrets: [String] = [], sandbox: SandboxSettings? = nil
    ) {
        self.sandbox = sandbox
        self.builder = builder
        self.settings = settings
        self.repositorySettings = repositorySettings
        self.toolchain = toolchain
        self.logDirectory = logDirectory
        self.secrets = secrets
    }

    /// The settings `repository` is verified with: its own entry, else the shared ``settings``.
    public func settings(for repository: String) -> RepositoryBuildSettings {
        repositorySettings[repository] ?? settings
    }

    /// What a verification run found.
    struct Result: Sendable {
        var green: Bool
        var verification: FeedbackVerification
        var logExcerpt: String?
        var summary: String
    }

    /// Builds and tests `directory` (in the throwaway worktree `workTree`, which the steps may write); a red result
    /// is a normal result.
    ///
    /// - Throws: ``FeedbackError/Code/build`` when the log cannot be created.
    func verify(directory: URL, workTree: URL, repository: String, feedbackID: String) async throws(FeedbackError)
        -> Result
    {
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        let safeID = String(
            feedbackID.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
        let logURL = logDirectory.appendingPathComponent("feedback-\(safeID)-\(stamp).log")
        try AtomicFile.makeFolder(logDirectory)
        let log: BuildLogFile
        do { log = try BuildLogFile(appendingTo: logURL) } catch {
            throw FeedbackError(.build, "cannot create the verification log: \(error)")
        }
        let confined = sandbox?.confined(writing: [workTree], home: workTree.appendingPathExtension("home"))
        try? log.append(lines: [
            confined.map {
                "== verification sandbox: \($0.tool), network \($0.allowsNetwork ? "allowed" : "off"), writes only "
                    + "the worktree and a scratch HOME =="
            } ?? "== verification sandbox: none (the patched code runs as the dispatcher's user) =="
        ])
        let result = await builder.build(
            repository: directory, name: repository, settings: settings(for: repository), toolchain: toolchain, log: log,
            secrets: secrets, sandbox: confined)
        log.close()
        let report = try? JSONValue(encoding: result.report)
        let verification = FeedbackVerification(
            outcome: result.isGreen ? .passed : .failed, logFile: logURL.path, report: report,
            seconds: result.duration.seconds)
        let failed = result.steps.last { !$0.outcome.result.isPassed && !Self.isSkipped($0.outcome.result) }
        let excerpt = failed.map { $0.outcome.lastLines.joined(separator: "\n") }
        var summary = "build and tests \(result.result.rawValue)"
        if result.flaky { summary += " (flaky: a test failed, then passed on retry)" }
        if let failed { summary += "; step \(failed.outcome.step) \(Self.describe(failed.outcome.result))" }
        let errors = result.report.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            summary +=
                "; \(errors.count) error(s), first: "
                + "\(errors[0].file ?? "?"):\(errors[0].line ?? 0): \(errors[0].message)"
        }
        let failures = result.report.tests.failures
        if !failures.isEmpty {
            summary +=
                "; failing tests: "
                + failures.prefix(5).map { [$0.suite, $0.name].compactMap { $0 }.joined(separator: ".") }
                .joined(separator: ", ")
        }
        return Result(green: result.isGreen, verification: verification, logExcerpt: excerpt, summary: summary)
    }

    private static func isSkipped(_ result: StepOutcome.Result) -> Bool {
        if case .skipped = result { return true }
        return false
    }

    private static func describe(_ result: StepOutcome.Result) -> String {
        switch result {
        case .passed: "passed"
        case .failed(let status): "failed (\(status))"
        case .timedOut: "timed out"
        case .cancelled: "was cancelled"
        case .skipped(let reason): "skipped (\(reason))"
        case .notStarted(let message): "did not start (\(message))"
        }
    }
}
