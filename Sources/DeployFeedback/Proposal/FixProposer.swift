import DeployBuild
import Foundation
import Logging

/// Asks a chat-completions endpoint for a fix of a red build and writes the answer as an ordinary feedback file.
///
/// The prompt is assembled by ``FixPrompt`` within ``promptBudget``; the diff is taken out of the answer by
/// ``ProposedDiff``. A usable diff becomes `feedback/proposed-<repo>-<commit>-<n>.json` (version 1, with `base` set
/// to the red commit and `metadata` naming the model, the report and the attempt), which the feedback processor then
/// verifies like any other file. An answer without a usable diff is recorded straight in `feedback/rejected/` with
/// stage `propose` and the reason, so it feeds the next attempt like a failed verification does.
public struct FixProposer: Sendable {
    /// The model asked (DeployHTTP's `ChatCompletionsClient` in a dispatcher).
    public var client: any ChatModel
    /// The root's `feedback/` folder.
    public var inbox: FeedbackInbox
    /// The largest prompt, in UTF-8 bytes of message content.
    public var promptBudget: Int
    /// Configured secrets, removed from every prompt (with their base64 and URL-encoded forms, and anything shaped
    /// like a token) before it leaves the machine.
    public var secrets: [String]
    /// What the model charges: each proposal's cost is written beside its tokens (metadata, commit message, pull
    /// request); nil writes the tokens alone.
    public var price: ModelPrice?
    let logger: Logger

    /// The default prompt budget: 48 KiB (about 12,000 tokens).
    public static let defaultPromptBudget = 48 * 1024

    public init(
        client: any ChatModel, feedbackDirectory: URL, promptBudget: Int = FixProposer.defaultPromptBudget,
        secrets: [String] = [], price: ModelPrice? = nil, logger: Logger = Logger(label: "deployctl.propose")
    ) {
        self.client = client
        self.price = price
        self.secrets = secrets
        self.inbox = FeedbackInbox(directory: feedbackDirectory)
        self.promptBudget = promptBudget
        self.logger = logger
    }

    /// The feedback file name of an attempt: `proposed-<repo>-<first 12 hex of commit>-<attempt>.json`.
    public static func fileName(repository: String, commit: String, attempt: Int) -> String {
        "proposed-\(repository.prefix(80))-\(commit.prefix(12))-\(attempt).json"
    }

    /// Runs one attempt: prompt, request, extraction, and the feedback file (pending or rejected).
    public func propose(_ request: FixRequest) async -> FixProposal {
        let prompt = FixPrompt.make(for: request, budget: promptBudget).redacting(SecretRedactor(secrets: secrets))
        let name = Self.fileName(
            repository: request.repository.name, commit: request.commit, attempt: request.attempt)
        let id = String(name.dropLast(".json".count))
        var proposal = FixProposal(
            file: name, id: id, attempt: request.attempt, model: client.model, promptBytes: prompt.bytes, usage: nil,
            outcome: .failed(FeedbackError(.model, "not started")))
        let metadata: [String: String] = [
            "deploy.repo": request.repository.name, "deploy.proposal.file": name,
            "deploy.proposal.bytes": "\(prompt.bytes)",
        ]
        logger.info("asking \(client.model) for a fix", metadata: metadata.mapValues { .string($0) })
        let completion: ChatCompletion
        do { completion = try await client.complete(prompt.messages) } catch {
            if error.code.isAnswerFault {
                proposal.outcome = reject(request, prompt: prompt, name: name, id: id, answer: nil, error: error)
            } else {
                logger.warning(
                    "no fix proposed: \(error)", metadata: metadata.mapValues { .string($0) })
                proposal.outcome = .failed(error)
            }
            return proposal
        }
        if completion.model != client.model { proposal.model = completion.model }
        proposal.usage = completion.usage
        let diff: ProposedDiff
        do { diff = try ProposedDiff.extract(from: completion.content, allowedPaths: prompt.files) } catch {
            proposal.outcome = reject(
                request, prompt: prompt, name: name, id: id, answer: completion, error: error)
            return proposal
        }
        let document = Self.document(
            request, id: id, patch: diff.patch, completion: completion, prompt: prompt, model: proposal.model,
            price: price)
        let url = inbox.directory.appendingPathComponent(name)
        do {
            try AtomicFile.makeFolder(inbox.directory)
            try AtomicFile.write(Self.encode(document), to: url)
        } catch {
            proposal.outcome = .failed(FeedbackError(.io, "cannot write \(name): \(error.message)"))
            return proposal
        }
        logger.notice(
            "fix proposed: \(name) (\(diff.paths.joined(separator: ", ")))",
            metadata: metadata.mapValues { .string($0) })
        proposal.outcome = .written(url)
        return proposal
    }

    /// Records an answer that is not a usable fix in `feedback/rejected/`, through a claim like any other file.
    private func reject(
        _ request: FixRequest, prompt: FixPrompt, name: String, id: String, answer: ChatCompletion?,
        error: FeedbackError
    ) -> FixProposal.Outcome {
        let code: FeedbackError.Code = error.code == .diffOutsideReport ? .diffOutsideReport : .noDiff
        let rejection = FeedbackError(code, error.message, field: "patch", paths: error.paths)
        // The file keeps what the model said, so that people (and the next attempt) can see it.
        let text = answer?.content ?? "(no answer)"
        let document = Self.document(
            request, id: id, patch: text, completion: answer, prompt: prompt,
            model: answer?.model ?? client.model, price: price)
        let metadata = Self.metadata(
            request, completion: answer, prompt: prompt, model: answer?.model ?? client.model, price: price)
        do {
            try inbox.prepare()
            // Under `loop`, its feedback task may hold the folder for a moment (it is woken by any new file).
            let lock = try inbox.lock(patience: .seconds(10))
            defer { withExtendedLifetime(lock) {} }
            let pending = inbox.directory.appendingPathComponent(name)
            try AtomicFile.write(Self.encode(document), to: pending)
            var (claim, journal) = try inbox.claim(pending)
            journal.id = id
            journal.repository = request.repository.name
            var timings = journal.timings
            timings.finishedAt = Date()
            let record = FeedbackRejection(
                file: name, id: id, repository: request.repository.name, stage: .propose, error: rejection,
                timings: timings, metadata: metadata)
            let destination = try inbox.finish(claim, journal: &journal, outcome: .rejected(record))
            logger.notice(
                "proposal rejected: \(rejection)",
                metadata: ["deploy.repo": "\(request.repository.name)", "deploy.proposal.file": "\(name)"])
            return .rejected(record, file: destination)
        } catch {
            return .failed(FeedbackError(.io, "cannot record the rejected proposal \(name): \(error.message)"))
        }
    }

    /// The feedback file's JSON object.
    static func document(
        _ request: FixRequest, id: String, patch: String, completion: ChatCompletion?, prompt: FixPrompt,
        model: String, price: ModelPrice?
    ) -> [String: Any] {
        let short = String(request.commit.prefix(12))
        var summary: [String] = []
        if request.report.errorCount > 0 { summary.append("\(request.report.errorCount) error(s)") }
        if request.report.tests.failed > 0 { summary.append("\(request.report.tests.failed) failing test(s)") }
        let description =
            request.rolloutEvidence == nil
            ? """
            Fix the red build of \(short)\(summary.isEmpty ? "" : " (\(summary.joined(separator: ", ")))")

            Proposed by \(model) (attempt \(request.attempt)) from the build report of \(short), and built and \
            tested by deployctl before it was published.
            """
            : """
            Fix the rolled-back deployment of \(short)

            Proposed by \(model) (attempt \(request.attempt)) from the evidence of the failed rollout of \(short) \
            (its health check), and built and tested by deployctl before it was published.
            """
        let usage = completion?.usage.map { "\n\n" + Self.usageLine($0, price: price) } ?? ""
        let metadata = Self.metadata(request, completion: completion, prompt: prompt, model: model, price: price)
        return [
            "version": 1, "id": id, "repo": request.repository.name, "branch": request.repository.branch,
            "base": request.commit, "patch": patch, "description": description + usage,
            "metadata": metadata.mapValues(\.foundationValue),
        ]
    }

    static func metadata(
        _ request: FixRequest, completion: ChatCompletion?, prompt: FixPrompt, model: String, price: ModelPrice?
    ) -> [String: JSONValue] {
        var metadata: [String: JSONValue] = [
            "source": .string("deployctl propose"), "model": .string(model),
            "attempt": .number(Double(request.attempt)), "commit": .string(request.commit),
            "promptBytes": .number(Double(prompt.bytes)), "files": .array(prompt.files.map { .string($0) }),
        ]
        if let log = request.log { metadata["report"] = .string(log) }
        if let completion, !completion.id.isEmpty { metadata["completion"] = .string(completion.id) }
        if let usage = completion?.usage {
            metadata["tokens"] = .object([
                "prompt": .number(Double(usage.promptTokens)), "completion": .number(Double(usage.completionTokens)),
            ])
            if let price { metadata["cost"] = .number(price.cost(of: usage)) }
        }
        if !prompt.omitted.isEmpty { metadata["omitted"] = .array(prompt.omitted.map { .string($0) }) }
        return metadata
    }

    /// `Model usage: 1,200 prompt + 300 completion tokens (cost 0.0042).`, for the commit message and pull request.
    static func usageLine(_ usage: TokenUsage, price: ModelPrice?) -> String {
        var line = "Model usage: \(usage.promptTokens) prompt + \(usage.completionTokens) completion tokens"
        if let price { line += " (cost \(String(format: "%.4f", price.cost(of: usage))))" }
        return line + "."
    }

    static func encode(_ object: [String: Any]) throws(FeedbackError) -> Data {
        do {
            return try JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                + Data("\n".utf8)
        } catch {
            throw FeedbackError(.io, "cannot encode the proposal: \(error)")
        }
    }
}

extension JSONValue {
    /// The value as a Foundation object for `JSONSerialization`.
    var foundationValue: Any {
        switch self {
        case .null: NSNull()
        case .bool(let value): value
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? Int(value) as Any : value as Any
        case .string(let value): value
        case .array(let values): values.map(\.foundationValue)
        case .object(let values): values.mapValues(\.foundationValue)
        }
    }
}
