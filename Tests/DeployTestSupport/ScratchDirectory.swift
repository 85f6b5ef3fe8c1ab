import Foundation

/// A temporary directory that a test owns; removed with ``remove()`` or when the process ends (the OS temp cleaner).
///
/// Paths are resolved (`/tmp` symlinks followed) so that comparisons with paths reported by git or SwiftPM hold.
///
/// With `DEPLOYCTL_TEST_ARTIFACTS=DIR` in the test process's environment, directories are made under `DIR` and kept
/// (``remove()`` does nothing), so that `scripts/scan-secrets.sh DIR` can scan everything the suite produced.
public struct ScratchDirectory: Sendable {
    public let url: URL

    /// Creates a fresh, empty directory under the system temporary directory.
    public init(prefix: String = "deployctl-test") throws {
        let base = (Self.artifactsDirectory ?? URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true))
            .resolvingSymlinksInPath()
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(12))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        self.url = url
    }

    public var path: String { url.path }

    /// A URL inside the scratch directory.
    public func appending(_ component: String) -> URL {
        url.appendingPathComponent(component)
    }

    /// Removes the directory and everything in it (kept when ``artifactsDirectory`` is set).
    public func remove() {
        guard Self.artifactsDirectory == nil else { return }
        try? FileManager.default.removeItem(at: url)
    }

    /// `DEPLOYCTL_TEST_ARTIFACTS`: where scratch directories and captured output are kept for the secret scan.
    public static let artifactsDirectory: URL? = {
        guard let path = ProcessInfo.processInfo.environment["DEPLOYCTL_TEST_ARTIFACTS"], !path.isEmpty else {
            return nil
        }
        let url = URL(fileURLWithPath: path, isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Runs `body` with a fresh scratch directory and removes it afterwards.
    public static func with<T>(
        prefix: String = "deployctl-test",
        _ body: (ScratchDirectory) async throws -> T
    ) async throws -> T {
        let scratch = try ScratchDirectory(prefix: prefix)
        defer { scratch.remove() }
        return try await body(scratch)
    }
}

extension ScratchDirectory {
    /// Runs `body` with a fresh scratch directory and removes it afterwards (synchronous tests).
    public static func withSync<T>(prefix: String = "deployctl-test", _ body: (ScratchDirectory) throws -> T) throws -> T {
        let scratch = try ScratchDirectory(prefix: prefix)
        defer { scratch.remove() }
        return try body(scratch)
    }
}
