import Foundation

/// The pending feedback files of a deploy root (`feedback/*.json`), as status and the loop see them.
public struct FeedbackInbox: Sendable {
    public let root: DeployRoot

    public init(root: DeployRoot) {
        self.root = root
    }

    /// Pending files, sorted by name (the order they are processed in).
    public func pendingFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.feedback.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            .map { root.feedback.appendingPathComponent($0) }
    }

    /// Pending files per target repository, read cheaply from each file's `repo` field (unknown ones are not counted).
    static func countByRepository(_ files: [URL]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for file in files {
            guard let data = try? Data(contentsOf: file), data.count < 8 << 20,
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let repository = object["repo"] as? String
            else { continue }
            counts[repository, default: 0] += 1
        }
        return counts
    }
}
