import Foundation

/// What processing one feedback file led to.
public enum FeedbackOutcome: Sendable, Hashable {
    /// Committed (and published); the file is now at `file` in `feedback/applied/`.
    case applied(FeedbackResultRecord, file: URL)
    /// Rejected; the file is now at `file` in `feedback/rejected/` beside its reason record.
    case rejected(FeedbackRejection, file: URL)
    /// An environment failure (I/O, git, toolchain) interrupted processing; the file stays claimed in
    /// `feedback/.inflight/` and the next run resumes it.
    case deferred(name: String, error: FeedbackError)
    /// `--dry-run`: the file was checked and left where it was; `error` says why it would be rejected.
    case checked(FeedbackCheck)

    /// The file's name as it was dropped.
    public var name: String {
        switch self {
        case .applied(let record, _): record.file
        case .rejected(let record, _): record.file
        case .deferred(let name, _): name
        case .checked(let check): check.file
        }
    }
}

/// The result of checking one file without changing anything (`--dry-run`).
public struct FeedbackCheck: Sendable, Hashable, Codable {
    public var file: String
    public var id: String?
    public var repository: String?
    /// The paths the patch would touch.
    public var paths: [String]
    /// Why the file would be rejected; `nil` when it would be applied (verification not run).
    public var error: FeedbackError?
    /// Whether a three-way apply would be needed because the branch moved past `base`.
    public var needsThreeWay: Bool
}

extension FeedbackError: Codable {
    private enum CodingKeys: String, CodingKey { case code, message, field, paths }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode(Code.self, forKey: .code), try container.decode(String.self, forKey: .message),
            field: try container.decodeIfPresent(String.self, forKey: .field),
            paths: try container.decodeIfPresent([String].self, forKey: .paths) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(field, forKey: .field)
        try container.encode(paths, forKey: .paths)
    }
}
