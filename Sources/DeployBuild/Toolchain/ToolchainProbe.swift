#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What ``ToolchainLocator`` needs to know about the machine, injectable so that every platform branch can be
/// tested on any machine.
public struct ToolchainProbe: Sendable {
    /// Whether this is macOS, where `xcrun swift` selects the active Xcode toolchain.
    public var isMacOS: Bool
    /// The environment to read `PATH` and `DEPLOY_SWIFT` from.
    public var environment: [String: String]
    /// Whether a path names an executable file.
    public var isExecutableFile: @Sendable (String) -> Bool

    /// Creates a probe.
    public init(
        isMacOS: Bool,
        environment: [String: String],
        isExecutableFile: @escaping @Sendable (String) -> Bool = ToolchainProbe.accessExecutable
    ) {
        self.isMacOS = isMacOS
        self.environment = environment
        self.isExecutableFile = isExecutableFile
    }

    /// The probe of the running process: its platform and environment, and the real file system.
    public static func current(environment: [String: String]) -> ToolchainProbe {
        #if os(macOS)
            ToolchainProbe(isMacOS: true, environment: environment)
        #else
            ToolchainProbe(isMacOS: false, environment: environment)
        #endif
    }

    /// `access(path, X_OK) == 0` on a regular file.
    public static let accessExecutable: @Sendable (String) -> Bool = { path in
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    /// The directories of `PATH`, in order.
    public var searchPath: [String] {
        (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }

    /// The first executable called `name` on `PATH`, or the path itself when `name` contains a slash.
    public func lookUp(_ name: String) -> String? {
        if name.contains("/") {
            return isExecutableFile(name) ? name : nil
        }
        for directory in searchPath {
            let candidate = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// `xcrun`'s path on macOS when it is installed; always `nil` elsewhere.
    public var xcrunPath: String? {
        isMacOS ? lookUp("xcrun") : nil
    }
}
