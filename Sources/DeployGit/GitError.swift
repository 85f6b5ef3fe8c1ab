import Foundation
import Clibgit2

/// The one error type of DeployGit: what failed (``code``), during which operation, in which repository, and
/// libgit2's own class and message.
///
/// Messages are scrubbed before they are stored: credentials embedded in URLs are removed and any secret known to the
/// failing operation (a token) is replaced by `<redacted>`, so an error can be logged or persisted as is.
public struct GitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. Compare with the static members (`error.code == .pushRejected`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A repository, reference, remote, object or path does not exist.
        public static let notFound = Code("notFound")
        /// The remote refused the credentials, or asked for credentials none of which were configured.
        public static let authenticationFailed = Code("authenticationFailed")
        /// The remote (or libgit2 before sending) refused a push: not a fast-forward, the lease did not hold, or a
        /// server-side hook declined the update.
        public static let pushRejected = Code("pushRejected")
        /// The remote could not be reached or the connection broke.
        public static let network = Code("network")
        /// Local changes or index conflicts prevent the operation.
        public static let conflict = Code("conflict")
        /// A lock file (`index.lock`, a ref lock) is held by someone else or left by a crashed process.
        public static let locked = Code("locked")
        /// A patch does not apply to the current contents.
        public static let patchDoesNotApply = Code("patchDoesNotApply")
        /// A path would leave the work directory (absolute, `..`) or write into `.git`.
        public static let unsafePath = Code("unsafePath")
        /// The local branch and its upstream have both moved on.
        public static let diverged = Code("diverged")
        /// The work tree or index holds uncommitted changes.
        public static let dirty = Code("dirty")
        /// The caller cancelled the operation (Swift task cancellation).
        public static let cancelled = Code("cancelled")
        /// The operation's deadline passed.
        public static let timedOut = Code("timedOut")
        /// A name, revision, URL or argument is malformed.
        public static let invalidArgument = Code("invalidArgument")
        /// An object or branch already exists.
        public static let alreadyExists = Code("alreadyExists")
        /// HEAD points at a branch without commits.
        public static let unbornBranch = Code("unbornBranch")
        /// The operation is not supported here (e.g. by this libgit2 version).
        public static let unsupported = Code("unsupported")
        /// Any other libgit2 failure; see ``GitError/libgit2Class`` and ``GitError/message``.
        public static let other = Code("other")
    }

    public var code: Code
    /// The operation that failed, e.g. `"fetch"`, `"push"`, `"apply"`.
    public var operation: String
    /// The work directory (or git directory) of the repository involved, when there is one.
    public var repository: String?
    /// libgit2's error class (`git_error_t`), when the failure came from libgit2.
    public var libgit2Class: Int32?
    /// libgit2's return code (negative), when the failure came from libgit2.
    public var libgit2Code: Int32?
    /// A human-readable, scrubbed message.
    public var message: String

    public init(
        code: Code,
        operation: String,
        repository: String? = nil,
        libgit2Class: Int32? = nil,
        libgit2Code: Int32? = nil,
        message: String,
        secrets: [String] = []
    ) {
        self.code = code
        self.operation = operation
        self.repository = repository
        self.libgit2Class = libgit2Class
        self.libgit2Code = libgit2Code
        self.message = GitError.scrub(message, secrets: secrets)
    }

    public var description: String {
        var text = "git \(operation) failed (\(code))"
        if let repository { text += " in \(repository)" }
        return text + ": \(message)"
    }

    /// Throws a ``GitError`` when `result` is negative, reading libgit2's thread-local error at once.
    ///
    /// Must be called in the same synchronous stretch as the libgit2 call (no `await` in between): libgit2 keeps
    /// its last error per thread.
    @discardableResult
    static func check(
        _ result: Int32,
        _ operation: @autoclosure () -> String,
        repository: String? = nil,
        secrets: [String] = []
    ) throws(GitError) -> Int32 {
        guard result < 0 else { return result }
        throw GitError.fromLast(result, operation: operation(), repository: repository, secrets: secrets)
    }

    /// Builds an error from `result` and `git_error_last()` (which may be NULL), then clears libgit2's error.
    static func fromLast(_ result: Int32, operation: String, repository: String?, secrets: [String] = []) -> GitError {
        var klass: Int32?
        var message = "libgit2 error \(result)"
        if let last = git_error_last() {
            klass = last.pointee.klass
            if let text = last.pointee.message { message = String(cString: text) }
        }
        git_error_clear()
        return GitError(
            code: Code(libgit2: result, klass: klass),
            operation: operation,
            repository: repository,
            libgit2Class: klass,
            libgit2Code: result,
            message: message,
            secrets: secrets
        )
    }

    /// Removes credentials from URLs in `text` and replaces every non-empty secret by `<redacted>`.
    static func scrub(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacingAll(secret, with: "<redacted>")
        }
        return redactURLCredentials(in: result)
    }
}

extension GitError.Code {
    /// Maps a libgit2 return code and error class to a code.
    init(libgit2 result: Int32, klass: Int32?) {
        switch result {
        case GIT_ENOTFOUND.rawValue: self = .notFound
        case GIT_EAUTH.rawValue: self = .authenticationFailed
        case GIT_ENONFASTFORWARD.rawValue: self = .pushRejected
        case GIT_ECONFLICT.rawValue, GIT_EMERGECONFLICT.rawValue, GIT_EUNMERGED.rawValue, GIT_EINDEXDIRTY.rawValue:
            self = .conflict
        case GIT_EUNCOMMITTED.rawValue: self = .dirty
        case GIT_ELOCKED.rawValue: self = .locked
        case GIT_EAPPLYFAIL.rawValue: self = .patchDoesNotApply
        case GIT_EINVALIDSPEC.rawValue, GIT_EINVALID.rawValue, GIT_EAMBIGUOUS.rawValue: self = .invalidArgument
        case GIT_EEXISTS.rawValue: self = .alreadyExists
        case GIT_EUNBORNBRANCH.rawValue: self = .unbornBranch
        case GIT_EUSER.rawValue: self = .cancelled
        case GIT_ECERTIFICATE.rawValue, GIT_EEOF.rawValue: self = .network
        default:
            switch klass {
            case Int32(GIT_ERROR_NET.rawValue), Int32(GIT_ERROR_SSL.rawValue), Int32(GIT_ERROR_SSH.rawValue),
                Int32(GIT_ERROR_HTTP.rawValue):
                self = .network
            case Int32(GIT_ERROR_PATCH.rawValue) where result == GIT_EAPPLYFAIL.rawValue:
                self = .patchDoesNotApply
            default: self = .other
            }
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
