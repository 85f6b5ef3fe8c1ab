import Foundation

/// Every entry under a folder (files with their bytes, symbolic links with their targets, folders), for asserting
/// that nothing changed outside `feedback/`.
struct TreeSnapshot: Equatable {
    enum Entry: Equatable {
        case file(Data, executable: Bool)
        case link(String)
        case folder
    }

    var entries: [String: Entry]

    /// Reads `root` recursively, leaving out the relative paths in `excluding` (and everything under them).
    init(_ root: URL, excluding: Set<String> = []) throws {
        var entries: [String: Entry] = [:]
        let fm = FileManager.default
        func walk(_ relative: String) throws {
            let url = relative.isEmpty ? root : root.appendingPathComponent(relative)
            for name in try fm.contentsOfDirectory(atPath: url.path) {
                let path = relative.isEmpty ? name : relative + "/" + name
                if excluding.contains(path) { continue }
                let child = root.appendingPathComponent(path)
                let attributes = try fm.attributesOfItem(atPath: child.path)
                switch attributes[.type] as? FileAttributeType {
                case .typeSymbolicLink?:
                    entries[path] = .link(try fm.destinationOfSymbolicLink(atPath: child.path))
                case .typeDirectory?:
                    entries[path] = .folder
                    try walk(path)
                default:
                    let permissions = (attributes[.posixPermissions] as? Int) ?? 0
                    entries[path] = .file(try Data(contentsOf: child), executable: permissions & 0o100 != 0)
                }
            }
        }
        try walk("")
        self.entries = entries
    }

    /// The paths that differ between two snapshots.
    func differences(from other: TreeSnapshot) -> [String] {
        Set(entries.keys).union(other.entries.keys).filter { entries[$0] != other.entries[$0] }.sorted()
    }
}
