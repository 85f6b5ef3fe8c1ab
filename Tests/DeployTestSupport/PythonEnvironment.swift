import Foundation

/// A Python virtual environment with packages from PyPI, for tests that check deployctl against a protocol's own
/// Python client (`prometheus_client` for the metrics' text format). Made once per machine and kept, under the
/// temporary folder, keyed by the packages; processes that make it at once take turns through a lock file.
public final class PythonEnvironment: @unchecked Sendable {
    public static let shared = PythonEnvironment()
    private let lock = NSLock()

    /// The environment's `python`, with `packages` installed (from PyPI the first time).
    public func python(with packages: [String]) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let key = packages.sorted().joined(separator: "-").replacingOccurrences(of: "/", with: "_")
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("deployctl-test-venv-\(key)")
        let python = folder.appendingPathComponent("bin/python").path
        let ready = folder.appendingPathComponent(".installed")
        let lockFile = folder.path + ".lock"
        let descriptor = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        defer { if descriptor >= 0 { close(descriptor) } }
        if descriptor >= 0 { flock(descriptor, LOCK_EX) }
        if FileManager.default.fileExists(atPath: ready.path) { return python }
        try? FileManager.default.removeItem(at: folder)
        try Shell.check(["python3", "-m", "venv", folder.path])
        try Shell.check([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
        FileManager.default.createFile(atPath: ready.path, contents: Data())
        return python
    }
}
