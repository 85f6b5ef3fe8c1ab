import Foundation

/// The one error type of DeployFeedback: why a feedback file was rejected, or why processing could not go on.
///
/// Codes for which ``Code/isRejection`` is true describe a fault of the feedback file itself (bad JSON, a path that
/// escapes the repository, a red build); the file ends in `feedback/rejected/` with a record of the error. Other codes
/// (I/O, git or toolchain trouble, a held lock) are the environment's fault: the file stays claimed and is retried.
public struct FeedbackError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable name (the `code` field of rejection records).
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for people and agents; names the field, path or command concerned. Never holds secrets.
    public let message: String
    /// The feedback field concerned (`"patch"`, `"restart"`, …), when there is one.
    public let field: String?
    /// The repository-relative paths concerned (escaping paths, conflicting paths), in order.
    public let paths: [String]

    public init(_ code: Code, _ message: String, field: String? = nil, paths: [String] = []) {
        self.code = code
        self.message = message
        self.field = field
        self.paths = paths
    }

    /// Whether the feedback file is at fault, so that it is rejected rather than retried.
    public var isRejection: Bool { code.isRejection }

    public var description: String { "\(code): \(message)" }
}

extension FeedbackError.Code {
    // MARK: The file and its fields
    /// The file is not valid JSON, or its top level is not an object.
    public static let malformedJSON = Self(rawValue: "malformed-json")
    /// The file is not valid UTF-8.
    public static let notUTF8 = Self(rawValue: "not-utf8")
    /// The file is a symbolic link, a folder or another non-regular file.
    public static let notRegularFile = Self(rawValue: "not-regular-file")
    /// The file is larger than the configured limit.
    public static let fileTooLarge = Self(rawValue: "file-too-large")
    /// `version` names a format this build does not know.
    public static let unsupportedVersion = Self(rawValue: "unsupported-version")
    /// A field holds a value of the wrong JSON type.
    public static let wrongType = Self(rawValue: "wrong-type")
    /// A required field is absent.
    public static let missingField = Self(rawValue: "missing-field")
    /// A field holds a value of the right type that is not acceptable (a branch name with `..`, an id with spaces).
    public static let invalidValue = Self(rawValue: "invalid-value")
    /// `patch` is empty or only whitespace.
    public static let emptyPatch = Self(rawValue: "empty-patch")
    /// `repo` is not a safe repository name (`../x`, `x; rm -rf /`, `-x`).
    public static let invalidRepositoryName = Self(rawValue: "invalid-repository-name")
    /// `repo` names no repository managed by this root.
    public static let unknownRepository = Self(rawValue: "unknown-repository")
    /// `repo` is absent and the root manages more than one repository.
    public static let ambiguousRepository = Self(rawValue: "ambiguous-repository")
    /// The feedback id was applied before.
    public static let duplicate = Self(rawValue: "duplicate")

    // MARK: The patch
    /// The patch is not a unified diff that can be read (no file headers, a corrupt hunk, a bad quoted path).
    public static let malformedPatch = Self(rawValue: "malformed-patch")
    /// The patch is larger than the configured limit.
    public static let patchTooLarge = Self(rawValue: "patch-too-large")
    /// The patch touches more files than the configured limit.
    public static let tooManyFiles = Self(rawValue: "too-many-files")
    /// A path in the patch is absolute.
    public static let absolutePath = Self(rawValue: "absolute-path")
    /// A path in the patch has a `..` segment.
    public static let pathTraversal = Self(rawValue: "path-traversal")
    /// A path in the patch is empty, has `.` or empty segments, or control characters.
    public static let invalidPath = Self(rawValue: "invalid-path")
    /// A path in the patch goes through (or is) a symbolic link of the repository: git writes nothing beyond a link,
    /// and a link may lead outside the repository.
    public static let symlinkEscape = Self(rawValue: "symlink-escape")
    /// git and deployctl's reader read the patch's headers differently (paths, modes or kinds), so what it would
    /// write cannot be told; the patch is refused instead of guessed at.
    public static let ambiguousPatch = Self(rawValue: "ambiguous-patch")
    /// The patch of a vendored folder touches a path outside that folder.
    public static let outsideFolder = Self(rawValue: "outside-folder")
    /// A path in the patch writes into a `.git` directory.
    public static let gitDirectory = Self(rawValue: "git-directory")
    /// A path in the patch matches the deny-list.
    public static let deniedPath = Self(rawValue: "denied-path")
    /// The patch carries binary data and binary patches are not allowed.
    public static let binaryPatch = Self(rawValue: "binary-patch")
    /// The patch gives a file a mode other than a regular file's (a symbolic link, a submodule entry, a folder), on
    /// a mode line or its `index` line.
    public static let specialFileMode = Self(rawValue: "special-file-mode")
    /// The patch does not apply to the branch tip (nor, with a `base`, three-way).
    public static let patchDoesNotApply = Self(rawValue: "patch-does-not-apply")
    /// A three-way apply from `base` onto the moved branch conflicted; `paths` names the conflicting files.
    public static let conflict = Self(rawValue: "conflict")
    /// The patched tree failed to build or its tests failed.
    public static let verificationFailed = Self(rawValue: "verification-failed")
    /// The remote refused the published commit (not a network or authentication failure).
    public static let publishRejected = Self(rawValue: "publish-rejected")
    /// A restart request (a file without `patch`) for a repository that has no restart command
    /// (`commands/restart-NAME.sh`, `commands/restart-services.sh`).
    public static let noRestartCommand = Self(rawValue: "no-restart-command")
    /// The pull request was closed without being merged (a rejection: people said no).
    public static let pullRequestClosed = Self(rawValue: "pull-request-closed")
    /// The pull request was neither merged nor closed within the configured wait (a rejection).
    public static let pullRequestTimedOut = Self(rawValue: "pull-request-timed-out")
    /// A proposed fix: the model's answer held no unified diff (recorded in `feedback/rejected/`, stage `propose`).
    public static let noDiff = Self(rawValue: "no-diff")
    /// A proposed fix: the model's diff touches files outside the build report's files (stage `propose`).
    public static let diffOutsideReport = Self(rawValue: "diff-outside-report")
    /// A proposed fix or commit message: the model's message was empty (or the model refused); recorded like
    /// ``noDiff``.
    public static let emptyAnswer = Self(rawValue: "empty-answer")
    /// Environment failures repeated on every attempt; the file is rejected so that it does not block the queue.
    public static let tooManyAttempts = Self(rawValue: "too-many-attempts")

    // MARK: The environment (not rejections)
    /// Reading or writing files under `feedback/` failed.
    public static let io = Self(rawValue: "io")
    /// Another process holds `feedback/.lock`.
    public static let locked = Self(rawValue: "locked")
    /// A git operation failed for a reason that is not the patch's fault.
    public static let git = Self(rawValue: "git")
    /// The build or test step could not run (no toolchain, spawn failure, cancelled).
    public static let build = Self(rawValue: "build")
    /// Publishing failed for a reason that is not a refusal (network, authentication).
    public static let publish = Self(rawValue: "publish")
    /// The journal of a claimed file could not be read.
    public static let journal = Self(rawValue: "journal")
    /// The model endpoint could not be used (timeout, rate limit, refused key, an answer that is not the documented
    /// JSON); the message is the HTTP layer's error, which names its own code and never the key.
    public static let model = Self(rawValue: "model")

    /// Whether this code describes a fault of the feedback file (see ``FeedbackError``).
    ///
    /// ``emptyAnswer`` is not one: it is the model's answer, never a file's code (``FixProposer`` records an empty
    /// answer as ``noDiff``, and a commit message falls back to the description).
    public var isRejection: Bool {
        ![Self.io, .locked, .git, .build, .publish, .journal, .model, .emptyAnswer].contains(self)
    }

    /// Whether the model answered but the answer is not a usable fix (``noDiff``, ``diffOutsideReport``,
    /// ``emptyAnswer``): the attempt is recorded as a rejection, not as a failure.
    public var isAnswerFault: Bool { [Self.noDiff, .diffOutsideReport, .emptyAnswer].contains(self) }
}

extension FeedbackError {
    static func io(_ message: String, _ url: URL, errno code: Int32 = errno) -> FeedbackError {
        FeedbackError(.io, "\(message) '\(url.path)': \(String(cString: strerror(code)))")
    }
}
