import Foundation

/// Where a feedback document handed in by a client stands, read from the folders of ``FeedbackInbox`` alone (no
/// lock, no store): what the HTTP API's `GET /api/v1/feedback/ID` and the MCP tools `submit_feedback` and
/// `get_feedback` answer.
public struct FeedbackStanding: Sendable, Hashable, Codable {
    /// The document's place in its lifecycle.
    public enum State: String, Sendable, Hashable, Codable {
        /// In `feedback/`, not taken yet.
        case pending
        /// Claimed and being validated, verified or published.
        case inFlight = "in-flight"
        /// Claimed, interrupted by an environment failure; the next run resumes it.
        case deferred
        /// Verified and committed (``FeedbackStanding/commit``).
        case applied
        /// Refused (``FeedbackStanding/reason``).
        case rejected
    }

    public var id: String
    public var state: State
    /// Why it was rejected, or why it waits (deferred); nil otherwise.
    public var reason: String?
    /// The commit it became, once applied.
    public var commit: String?
    /// The verification's outcome, log and build-and-test report (diagnostics, failed tests), when it ran.
    public var verification: JSONValue?
    /// The result record once applied (or the reason record once rejected), as written beside the file.
    public var result: JSONValue?

    public init(
        id: String, state: State, reason: String? = nil, commit: String? = nil, verification: JSONValue? = nil,
        result: JSONValue? = nil
    ) {
        self.id = id
        self.state = state
        self.reason = reason
        self.commit = commit
        self.verification = verification
        self.result = result
    }
}

extension FeedbackInbox {
    /// Where the file `name` (holding the document `id`) is now, if anywhere.
    public func standing(ofFile name: String, id: String) -> FeedbackStanding? {
        let stem = name.hasSuffix(".json") ? String(name.dropLast(".json".count)) : name
        func record(_ folder: URL, _ suffix: String) -> [String: JSONValue]? {
            let url = folder.appendingPathComponent(stem + suffix)
            guard let data = FileManager.default.contents(atPath: url.path),
                case .object(let fields)? = try? JSONValue(parsing: data)
            else { return nil }
            return fields
        }
        func string(_ fields: [String: JSONValue]?, _ key: String) -> String? {
            if case .string(let value)? = fields?[key] { return value }
            return nil
        }
        if AtomicFile.exists(appliedDirectory.appendingPathComponent(name)) {
            let fields = record(appliedDirectory, Self.resultSuffix)
            return FeedbackStanding(
                id: id, state: .applied, commit: string(fields, "commit"), verification: fields?["verification"],
                result: fields.map(JSONValue.object))
        }
        if AtomicFile.exists(rejectedDirectory.appendingPathComponent(name)) {
            let fields = record(rejectedDirectory, Self.reasonSuffix)
            return FeedbackStanding(
                id: id, state: .rejected, reason: string(fields, "message"), verification: fields?["verification"],
                result: fields.map(JSONValue.object))
        }
        if let claimed = inflightFiles().first(where: { $0.file == name }) {
            return claimed.attempts > 1
                ? FeedbackStanding(
                    id: id, state: .deferred,
                    reason: "an environment failure interrupted it at stage \(claimed.stage); the next run resumes it")
                : FeedbackStanding(id: id, state: .inFlight)
        }
        if AtomicFile.exists(directory.appendingPathComponent(name)) {
            return FeedbackStanding(id: id, state: .pending)
        }
        return nil
    }
}
