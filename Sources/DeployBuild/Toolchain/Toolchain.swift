/// The Swift toolchain a build runs with: how to invoke `swift`, and the version string it printed.
///
/// The version is recorded with every build; a changed version counts as a change for skip decisions.
public struct Toolchain: Sendable, Codable, Hashable {
    /// The words that invoke `swift`: `["/usr/bin/xcrun", "swift"]` on macOS with Xcode, `["/path/to/swift"]`
    /// elsewhere. Append subcommands and arguments (`build`, `--jobs`, …) to run it.
    public var command: [String]
    /// The first line of `swift --version`, e.g. `Swift version 6.3.1 (swift-6.3.1-RELEASE)`.
    public var version: String

    /// Creates a toolchain description.
    public init(command: [String], version: String) {
        self.command = command
        self.version = version
    }

    /// `command` followed by `arguments`, e.g. `swift build --jobs 2`.
    public func invocation(_ arguments: [String]) -> [String] {
        command + arguments
    }
}
