import DeployFeedback
import Foundation
import Logging

extension AgentTools {
    /// The longest `wait_seconds` a submission may ask for.
    public static let maximumWaitSeconds = 3_600.0

    /// What a submission would do, without doing it (`dry_run`).
    public struct FeedbackDryRun: Sendable, Hashable, Codable {
        /// The id the feedback would get (derived from the repository, branch and patch).
        public var id: String
        /// `would-apply` (validation and the patch's apply passed; the build and tests run on submission) or
        /// `would-reject`.
        public var verdict: String
        public var reason: String?
        /// The rejection's code (`path-outside-repo`, `patch-does-not-apply`, …).
        public var code: String?
        /// The paths the patch touches (for a refusal, the paths it names).
        public var paths: [String]
        /// Whether the branch moved past the patch's base, so it would be applied three-way.
        public var needsThreeWay: Bool
    }

    /// The feedback document a submission becomes: the versioned form with `metadata.source` naming the channel.
    func document(repository: String, patch: String, description: String) throws(AgentToolError) -> (
        data: Data, document: FeedbackDocument
    ) {
        _ = try self.repository(repository)
        let fields: [String: Any] = [
            "version": 1, "repo": repository, "patch": patch, "description": description,
            "metadata": ["source": source],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else {
            throw AgentToolError("the feedback document could not be written as JSON")
        }
        guard data.count <= configuration.feedbackMaxBytes else {
            throw AgentToolError(
                "file-too-large: the feedback document is \(data.count) bytes; the limit is "
                    + "\(configuration.feedbackMaxBytes) (DISPATCHER_FEEDBACK_MAX_BYTES)")
        }
        do { return (data, try FeedbackDocument.parse(data)) } catch {
            throw AgentToolError("\(error.code.rawValue): \(error.message)")
        }
    }

    /// The file a submission is written to: `SOURCE-ID.json`.
    func fileName(id: String) -> String { "\(source)-\(id).json" }

    /// Validates a patch and checks that it applies, as `apply-feedback --dry-run` does; writes nothing.
    public func checkFeedback(repository: String, patch: String, description: String) async throws(AgentToolError)
        -> FeedbackDryRun
    {
        let (data, document) = try self.document(repository: repository, patch: patch, description: description)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deployctl-dry-run-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(fileName(id: document.id))
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: file)
        } catch {
            throw AgentToolError("the dry run could not write its scratch copy: \(error.localizedDescription)")
        }
        let checks: [FeedbackCheck]
        do {
            checks = try await Dispatcher.checkFeedback(
                files: [file], root: root, configuration: configuration, logger: logger)
        } catch {
            throw AgentToolError(redactor.redact(error.description))
        }
        guard let check = checks.first else { throw AgentToolError("the dry run gave no answer") }
        return FeedbackDryRun(
            id: document.id, verdict: check.error == nil ? "would-apply" : "would-reject",
            reason: check.error.map { text($0.message) }, code: check.error?.code.rawValue,
            paths: check.paths.isEmpty ? check.error?.paths ?? [] : check.paths,
            needsThreeWay: check.needsThreeWay)
    }

    /// Queues a patch for `repository` through the feedback inbox and, with `waitSeconds`, waits for its outcome.
    ///
    /// The document is written as `feedback/SOURCE-ID.json`, where a running `loop` takes it; when no dispatcher
    /// holds the root, this process takes the root's lock and processes it now (verified, committed, published,
    /// exactly as `apply-feedback` would). The same patch submitted again is the same feedback (its id is derived
    /// from the repository, branch and patch): its standing is answered, nothing is queued twice.
    /// - Parameter waitSeconds: how long to wait for `applied` or `rejected` (0 answers at once).
    public func submitFeedback(repository: String, patch: String, description: String, waitSeconds: Double)
        async throws(AgentToolError) -> FeedbackStanding
    {
        guard waitSeconds >= 0, waitSeconds <= Self.maximumWaitSeconds else {
            throw AgentToolError(
                "wait_seconds must be between 0 and \(Int(Self.maximumWaitSeconds)), found \(waitSeconds)")
        }
        let (data, document) = try self.document(repository: repository, patch: patch, description: description)
        let name = fileName(id: document.id)
        let inbox = FeedbackInbox(directory: root.feedback)
        if inbox.standing(ofFile: name, id: document.id) == nil {
            let file: URL
            do { file = try inbox.deposit(data, named: name) } catch {
                throw AgentToolError("the feedback could not be written into feedback/: \(error.message)")
            }
            logger.info("agent feedback queued as \(name)", metadata: ["deploy.repo": "\(repository)"])
            await processNow(file)
        }
        return try await waitForOutcome(id: document.id, file: name, seconds: waitSeconds)
    }

    /// Where the feedback `id` handed in through this channel stands.
    public func feedback(id: String) throws(AgentToolError) -> FeedbackStanding {
        guard FeedbackNames.isValidID(id) else {
            throw AgentToolError(
                "'\(id.prefix(128))' is not a feedback id (1–128 of A-Z a-z 0-9 . _ : - starting with a letter or digit)")
        }
        guard let standing = FeedbackInbox(directory: root.feedback).standing(ofFile: fileName(id: id), id: id) else {
            throw AgentToolError("no feedback with the id '\(id)' was submitted here")
        }
        return redacted(standing)
    }

    /// Waits for everything this process queued to be processed (before it exits).
    public func finishProcessing() async {
        await processing.drain()
    }

    /// Processes `file` in this process, under the root's lock, after what was queued before it, when no other
    /// dispatcher holds the root; one that does (a running loop) takes the file from the inbox itself.
    private func processNow(_ file: URL) async {
        let root = root
        let configuration = configuration
        let logger = logger
        await processing.enqueue {
            if let holder = DispatcherLock.holder(of: root) {
                logger.info("agent feedback \(file.lastPathComponent) is taken by the dispatcher holding the root: \(holder)")
                return
            }
            do {
                let sandbox = configuration.verifyFeedback
                    ? try Dispatcher.locateVerificationSandbox(configuration) : nil
                if case .unavailable(let reason)? = sandbox {
                    logger.warning("no verification sandbox: \(reason)")
                }
                let dispatcher = try Dispatcher.open(
                    root: root, configuration: configuration, command: "deployctl mcp", logger: logger,
                    verificationSandbox: sandbox)
                _ = try await dispatcher.processFeedback(files: [file])
            } catch {
                logger.warning(
                    "agent feedback \(file.lastPathComponent) left for the next dispatcher: \(error)",
                    metadata: ["deploy.feedback.file": "\(file.lastPathComponent)"])
            }
        }
    }

    /// The standing of `file`, polled until it is applied or rejected or `seconds` have passed.
    private func waitForOutcome(id: String, file: String, seconds: Double) async throws(AgentToolError)
        -> FeedbackStanding
    {
        let inbox = FeedbackInbox(directory: root.feedback)
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let standing = inbox.standing(ofFile: file, id: id) ?? FeedbackStanding(id: id, state: .pending)
            if standing.state == .applied || standing.state == .rejected || ContinuousClock.now >= deadline {
                return redacted(standing)
            }
            do { try await Task.sleep(for: .milliseconds(200)) } catch { return redacted(standing) }
        }
    }

    /// `standing` with every text in it redacted (records were written redacted; this is a second guard).
    private func redacted(_ standing: FeedbackStanding) -> FeedbackStanding {
        var standing = standing
        standing.reason = standing.reason.map { text($0) }
        standing.verification = standing.verification.map(redacted)
        standing.result = standing.result.map(redacted)
        return standing
    }

    private func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(redactor.redact(text))
        case .array(let values): .array(values.map(redacted))
        case .object(let fields): .object(fields.mapValues(redacted))
        case .null, .bool, .number: value
        }
    }
}
