import Clibgit2
import Foundation

extension GitRepository {
    /// The patch between the trees of two commits, as `git diff FROM TO` prints it, cut at the last whole line
    /// within `limit` bytes (libgit2 stops producing it there, so a huge diff costs no more than `limit`).
    ///
    /// - Returns: the patch text (empty when the trees are equal) and whether it was cut.
    /// - Throws: when either commit or its tree cannot be read.
    public func patch(from: ObjectID, to: ObjectID, limit: Int) throws(GitError) -> (text: String, truncated: Bool) {
        try withHandle { repo throws(GitError) in
            let fromTree = try tree(repo, of: from)
            defer { git_tree_free(fromTree) }
            let toTree = try tree(repo, of: to)
            defer { git_tree_free(toTree) }
            var options = git_diff_options()
            git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
            var diff: OpaquePointer?
            try check(git_diff_tree_to_tree(&diff, repo, fromTree, toTree, &options), "diff \(from.short)..\(to.short)")
            defer { git_diff_free(diff) }

            let collector = PatchCollector(limit: max(0, limit))
            let result = git_diff_print(
                diff, GIT_DIFF_FORMAT_PATCH,
                { _, _, line, payload in
                    guard let line, let payload else { return 0 }
                    let collector = Unmanaged<PatchCollector>.fromOpaque(payload).takeUnretainedValue()
                    return collector.add(line.pointee) ? 0 : 1
                }, Unmanaged.passUnretained(collector).toOpaque())
            if result < 0 {
                guard collector.truncated else {
                    throw GitError.fromLast(result, operation: "diff \(from.short)..\(to.short)", repository: displayPath)
                }
                git_error_clear()
            }
            return (String(decoding: collector.data, as: UTF8.self), collector.truncated)
        }
    }
}

/// Gathers the lines `git_diff_print` hands over, the way libgit2 prints a patch to a buffer (content lines get
/// their `+`, `-` or space), up to a byte limit.
private final class PatchCollector {
    let limit: Int
    var data = Data()
    var truncated = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Appends one line; false (stop) when it would pass the limit.
    func add(_ line: git_diff_line) -> Bool {
        let origin = UInt8(bitPattern: line.origin)
        let prefixed = [GIT_DIFF_LINE_CONTEXT, GIT_DIFF_LINE_ADDITION, GIT_DIFF_LINE_DELETION]
            .contains { UInt8($0.rawValue) == origin }
        guard data.count + line.content_len + (prefixed ? 1 : 0) <= limit else {
            truncated = true
            return false
        }
        if prefixed { data.append(origin) }
        line.content.withMemoryRebound(to: UInt8.self, capacity: line.content_len) { content in
            data.append(content, count: line.content_len)
        }
        return true
    }
}
