import Crypto
import Foundation

/// One feedback file, parsed and type-checked (not yet checked against a repository).
///
/// Two forms are accepted (see `docs/feedback-format.md`): the seed's minimal `{"repo", "patch", "description"}`
/// and the versioned form (`"version": 1`) that adds `id`, `base`, `branch`, `restart` and `metadata`. Fields this
/// build does not know are kept in ``unknownFields`` (and copied into the records) but otherwise ignored. A file
/// without `patch` is a restart request (``kind`` is ``FeedbackKind/restartRequest``), as the seed accepted.
public struct FeedbackDocument: Sendable, Hashable, Codable {
    /// The format version; `nil` for the seed's unversioned form.
    public var version: Int?
    /// The feedback id: the file's `id`, or one derived from its content (see ``idWasDerived``).
    public var id: String
    /// Whether ``id`` was derived (`sha256-` + 32 hex digits of repo, branch and patch) because the file gave none.
    public var idWasDerived: Bool
    /// The target repository's name as given (`repo`); `nil` when omitted.
    public var repository: String?
    /// Whether the file carries a patch or asks only for a restart.
    public var kind: FeedbackKind
    /// The unified diff; empty for a restart request.
    public var patch: String
    /// The commit message's body; may be empty.
    public var description: String
    /// The commit the patch was made against, if known.
    public var base: String?
    /// The target branch; `nil` means the repository's configured branch.
    public var branch: String?
    /// Whether the repository's restart command runs after a successful publish (default `true`, as the seed did).
    public var restart: Bool
    /// Free-form metadata (author, model, links to the report that prompted the patch).
    public var metadata: [String: JSONValue]
    /// Fields this build does not know, kept as they were.
    public var unknownFields: [String: JSONValue]

    /// The fields this build knows; any other top-level field lands in ``unknownFields``.
    public static let knownFields: Set<String> = [
        "version", "id", "repo", "patch", "description", "base", "branch", "restart", "metadata",
    ]

    /// The format versions this build reads.
    public static let supportedVersions: ClosedRange<Int> = 1...1

    /// Reads and parses the feedback file at `url`, refusing it before reading when it is larger than `maxBytes`.
    ///
    /// - Throws: ``FeedbackError`` with a rejection code (``FeedbackError/Code/fileTooLarge``,
    ///   ``FeedbackError/Code/notRegularFile``, …) when the file is at fault, or ``FeedbackError/Code/io``.
    public static func load(contentsOf url: URL, maxBytes: Int) throws(FeedbackError) -> FeedbackDocument {
        try parse(readLimited(url, maxBytes: maxBytes))
    }

    /// Reads at most `maxBytes` of a regular file, checking the size with `fstat` first.
    static func readLimited(_ url: URL, maxBytes: Int) throws(FeedbackError) -> Data {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw .io("cannot stat", url) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FeedbackError(.notRegularFile, "'\(url.lastPathComponent)' is not a regular file")
        }
        guard Int(info.st_size) <= maxBytes else {
            throw FeedbackError(
                .fileTooLarge, "the file has \(info.st_size) bytes; the limit is \(maxBytes)")
        }
        let fd = open(url.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .io("cannot open", url) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let data: Data
        do { data = try handle.read(upToCount: maxBytes + 1) ?? Data() } catch { throw .io("cannot read", url) }
        guard data.count <= maxBytes else {
            throw FeedbackError(.fileTooLarge, "the file grew past the limit of \(maxBytes) bytes while being read")
        }
        return data
    }

    /// Parses the bytes of a feedback file.
    ///
    /// - Throws: ``FeedbackError`` with a rejection code naming the field, the type found and the types accepted.
    public static func parse(_ data: Data) throws(FeedbackError) -> FeedbackDocument {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            let offset = firstInvalidUTF8Offset(bytes)
            throw FeedbackError(.notUTF8, "the file is not valid UTF-8 (first bad byte at offset \(offset))")
        }
        let root: JSONValue
        do { root = try JSONValue(parsing: bytes) } catch {
            throw FeedbackError(.malformedJSON, "the file is not valid JSON: \(error.message)", field: error.field)
        }
        guard case .object(let fields) = root else {
            throw FeedbackError(.malformedJSON, "the top level must be a JSON object, found \(root.typeName)")
        }
        return try FeedbackDocument(fields: fields)
    }

    init(fields: [String: JSONValue]) throws(FeedbackError) {
        let reader = FieldReader(fields: fields)
        if let version = try reader.integer("version") {
            guard Self.supportedVersions.contains(version) else {
                throw FeedbackError(
                    .unsupportedVersion, "version \(version) is not supported (this build reads version 1)",
                    field: "version")
            }
            self.version = version
        } else {
            self.version = nil
        }
        if let patch = try reader.string("patch") {
            guard !patch.allSatisfy(\.isWhitespace) else {
                throw FeedbackError(
                    .emptyPatch, "the field 'patch' is empty (leave it out to ask for a restart only)", field: "patch")
            }
            self.patch = patch
            self.kind = .patch
        } else {
            self.patch = ""
            self.kind = .restartRequest
        }
        self.repository = try reader.string("repo")
        if let repository, !FeedbackNames.isValidRepositoryName(repository) {
            throw FeedbackError(
                .invalidRepositoryName,
                "'repo' must be 1–100 of A-Z a-z 0-9 . _ - starting with a letter or digit; "
                    + "got \(quoted(repository))",
                field: "repo")
        }
        self.description = try reader.string("description") ?? ""
        self.branch = try reader.string("branch")
        if let branch, !FeedbackNames.isValidBranchName(branch) {
            throw FeedbackError(.invalidValue, "'branch' is not a safe branch name: \(quoted(branch))", field: "branch")
        }
        self.base = try reader.string("base")
        if let base, !FeedbackNames.isValidCommitID(base) {
            throw FeedbackError(
                .invalidValue, "'base' must be a commit id (7–64 hex digits): \(quoted(base))", field: "base")
        }
        self.restart = try reader.bool("restart") ?? true
        if kind == .restartRequest, !restart {
            throw FeedbackError(
                .missingField,
                "the field 'patch' is required when 'restart' is false (a file without 'patch' asks for a restart)",
                field: "patch")
        }
        self.metadata = try reader.object("metadata") ?? [:]
        if let id = try reader.string("id") {
            guard FeedbackNames.isValidID(id) else {
                throw FeedbackError(
                    .invalidValue,
                    "'id' must be 1–128 of A-Z a-z 0-9 . _ : - starting with a letter or digit: \(quoted(id))",
                    field: "id")
            }
            self.id = id
            self.idWasDerived = false
        } else {
            self.id = Self.derivedID(repository: repository, branch: branch, patch: patch)
            self.idWasDerived = true
        }
        self.unknownFields = fields.filter { !Self.knownFields.contains($0.key) }
    }

    /// The id given to feedback without one: the same repository, branch and patch always get the same id, so a file
    /// dropped twice is recognised as a duplicate.
    public static func derivedID(repository: String?, branch: String?, patch: String) -> String {
        var bytes = Array("deployctl-feedback-v1\u{0}".utf8)
        bytes += Array((repository ?? "").utf8) + [0] + Array((branch ?? "").utf8) + [0] + Array(patch.utf8)
        return "sha256-" + SHA256.hex(bytes).prefix(32)
    }

    private static func firstInvalidUTF8Offset(_ bytes: Data) -> Int {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset = consumed
                consumed += UTF8.width(scalar)
            case .emptyInput: return consumed
            case .error: return consumed == 0 ? offset : consumed
            }
        }
    }
}

/// Shows a user-supplied value in a message: quoted, with control characters escaped, cut at 80 characters.
func quoted(_ value: String) -> String {
    var text = value.unicodeScalars.prefix(80).map { scalar -> String in
        scalar.value < 0x20 || scalar.value == 0x7f ? scalar.escaped(asASCII: true) : String(scalar)
    }.joined()
    if value.unicodeScalars.count > 80 { text += "…" }
    return "'\(text)'"
}

/// Reads typed fields from a JSON object, turning a wrong type into a rejection that names the field.
private struct FieldReader {
    let fields: [String: JSONValue]

    func string(_ name: String) throws(FeedbackError) -> String? { try read(name, .string) }
    func bool(_ name: String) throws(FeedbackError) -> Bool? { try read(name, .boolean) }
    func integer(_ name: String) throws(FeedbackError) -> Int? { try read(name, .integer) }
    func object(_ name: String) throws(FeedbackError) -> [String: JSONValue]? { try read(name, .object) }

    private func read<Value>(_ name: String, _ type: JSONFieldType<Value>) throws(FeedbackError) -> Value? {
        try fields.field(name, as: type) { found in
            FeedbackError(
                .wrongType, "the field '\(name)' must be \(type.name) (or null), found \(found.typeName)", field: name)
        }
    }
}
