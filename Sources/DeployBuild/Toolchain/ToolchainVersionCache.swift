import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Remembers what `swift --version` printed for a toolchain, so that a cycle with nothing to build does not start the
/// compiler driver (about 0.1 s, the largest fixed cost of an unchanged cycle).
///
/// An entry is keyed by the identity of the files that run: the resolved path of the `swift` driver and of the
/// `swift-frontend` beside it, each with its device, inode, size and modification time. Installing another toolchain
/// at the same path changes the identity, so the version is asked again. A command that goes through `xcrun` is never
/// cached: which toolchain it selects depends on `xcode-select` and `DEVELOPER_DIR`, not on files we can stat.
///
/// The cache is a small JSON file, replaced atomically (temporary file and rename); a missing or unreadable file is
/// an empty cache, and a failed write only costs the next cycle a `swift --version`.
public struct ToolchainVersionCache: Sendable {
    /// The JSON file that holds the entries.
    public let file: URL
    /// The most entries kept; older ones are dropped first.
    public static let capacity = 8

    /// Creates a cache stored in `file` (created on first write).
    public init(file: URL) {
        self.file = file
    }

    /// The version recorded for the toolchain `command` runs, when its files are unchanged since it was recorded.
    public func version(for command: [String]) -> String? {
        guard let key = Self.identity(of: command) else { return nil }
        return load().first { $0.identity == key }?.version
    }

    /// Records `version` for the toolchain `command` runs; does nothing for a command that cannot be cached.
    public func remember(_ version: String, for command: [String]) {
        guard let key = Self.identity(of: command) else { return }
        var entries = load().filter { $0.identity != key }
        entries.insert(Entry(identity: key, version: version), at: 0)
        guard let data = try? JSONEncoder().encode(Array(entries.prefix(Self.capacity))) else { return }
        try? data.write(to: file, options: .atomic)
    }

    private struct Entry: Codable {
        var identity: String
        var version: String
    }

    private func load() -> [Entry] {
        guard let data = try? Data(contentsOf: file) else { return [] }
        return (try? JSONDecoder().decode([Entry].self, from: data)) ?? []
    }

    /// `path:device:inode:size:mtime` of the resolved driver and of `swift-frontend` beside it, or `nil` when the
    /// command goes through another program (`xcrun swift`) or the driver cannot be resolved.
    static func identity(of command: [String]) -> String? {
        guard command.count == 1, let driver = realpath(command[0], nil) else { return nil }
        defer { free(driver) }
        let resolved = String(cString: driver)
        guard let driverIdentity = fileIdentity(resolved) else { return nil }
        let frontend = URL(fileURLWithPath: resolved).deletingLastPathComponent()
            .appendingPathComponent("swift-frontend").path
        return [driverIdentity, fileIdentity(frontend) ?? "\(frontend):absent"].joined(separator: ";")
    }

    private static func fileIdentity(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
            let modified = "\(info.st_mtimespec.tv_sec).\(info.st_mtimespec.tv_nsec)"
        #else
            let modified = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        #endif
        return "\(path):\(info.st_dev):\(info.st_ino):\(info.st_size):\(modified)"
    }
}
