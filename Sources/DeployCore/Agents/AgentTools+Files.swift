import DeployFeedback
import DeployGit
import Foundation

extension AgentTools {
    /// The largest file `read_file` reads.
    public static let maximumFileBytes = 1 << 20
    /// The most lines one `read_file` gives.
    public static let maximumFileLines = 2_000

    /// Lines of a file as committed at the checkout's HEAD.
    public struct FileExcerpt: Sendable, Hashable, Codable {
        public var repository: String
        /// Relative to the repository.
        public var path: String
        /// The commit the file was read at (the checkout's HEAD).
        public var commit: String
        public var startLine: Int
        public var endLine: Int
        public var totalLines: Int
        /// The lines `startLine…endLine`, joined with `\n`, secrets redacted.
        public var text: String
        /// Whether the file goes on past ``endLine``.
        public var truncated: Bool
    }

    /// Lines `startLine…endLine` (1-based, inclusive; at most ``maximumFileLines``) of `path` in `name` as committed
    /// at the checkout's HEAD.
    ///
    /// What the proposal context may read, and no more: a path relative to the repository with no `..`, not in
    /// `.git/` or `.build/`, naming a regular file of the committed tree (git's tree is walked, so a committed
    /// symbolic link, on the way or at the end, is refused rather than followed; files that are not committed, such
    /// as an untracked `.env`, cannot be read). The text is UTF-8, at most ``maximumFileBytes``, secrets redacted.
    public func readFile(repository name: String, path: String, startLine: Int?, endLine: Int?)
        throws(AgentToolError) -> FileExcerpt
    {
        let repository = try repository(name)
        let relative = try Self.checkedPath(path)
        let first = startLine ?? 1
        guard first >= 1 else { throw AgentToolError("start_line must be 1 or more, found \(first)") }
        if let endLine, endLine < first {
            throw AgentToolError("end_line must be at least start_line (\(first)), found \(endLine)")
        }
        let git: GitRepository
        let treePath: String
        do throws(GitError) {
            if let enclosing = repository.enclosing {
                git = try GitRepository.open(at: enclosing.workTree)
                treePath = enclosing.path + "/" + relative
            } else {
                git = try GitRepository.open(at: repository.directory)
                treePath = relative
            }
        } catch {
            throw AgentToolError("the checkout of \(name) cannot be opened: \(error.message)")
        }
        let head: ObjectID?
        let contents: [UInt8]?
        do throws(GitError) {
            head = try git.head().commit
            contents = try head.flatMap { commit throws(GitError) in try git.regularFileContents(of: treePath, at: commit) }
        } catch {
            throw AgentToolError("'\(relative)' in \(name) cannot be read: \(error.message)")
        }
        guard let head else { throw AgentToolError("\(name) has no commit yet") }
        guard let bytes = contents else {
            throw AgentToolError(
                "\(name) has no file '\(relative)' at \(head.short) (only committed files can be read)")
        }
        guard bytes.count <= Self.maximumFileBytes else {
            throw AgentToolError(
                "'\(relative)' is \(bytes.count) bytes; read_file reads files of at most \(Self.maximumFileBytes) bytes")
        }
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            throw AgentToolError("'\(relative)' is not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        let total = lines.count
        guard first <= max(total, 1) else {
            throw AgentToolError("'\(relative)' has \(total) lines; start_line \(first) is past its end")
        }
        let last = min(endLine ?? total, total, first + Self.maximumFileLines - 1)
        let shown = first <= last ? lines[(first - 1)..<last].map { redactor.redact(String($0)) } : []
        return FileExcerpt(
            repository: name, path: relative, commit: head.description, startLine: first, endLine: max(last, first - 1),
            totalLines: total, text: shown.joined(separator: "\n"), truncated: last < total)
    }

    /// `path`, without `.` and empty segments, when it is one an agent may name: relative, without `..` or NUL,
    /// outside `.git/` and `.build/`.
    static func checkedPath(_ path: String) throws(AgentToolError) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        let shown = String(path.prefix(200)).debugDescription
        guard !path.isEmpty, path.utf8.count <= 1_024, !path.hasPrefix("/"), !segments.isEmpty else {
            throw AgentToolError("path must be a file's path relative to the repository, found \(shown)")
        }
        guard !path.utf8.contains(0), !segments.contains(".."),
            segments.first?.lowercased() != ".git", segments.first != ".build"
        else {
            throw AgentToolError(
                "path \(shown) is refused: it must stay inside the repository, out of .git/ and .build/")
        }
        return segments.joined(separator: "/")
    }
}
