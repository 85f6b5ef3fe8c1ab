import Foundation

/// Resolves a ``DispatcherConfiguration`` with precedence: command-line flag > process environment >
/// `<root>/dispatcher.env` > default.
///
/// An empty (or blank) value means unset, in every layer and for every variable: `GIT_USER_NAME=` or `GITHUB_TOKEN=`
/// (as the seed's sample `dispatcher.env` has them) falls through to the next layer and finally to the default.
///
/// Every bad value is a ``DispatcherError`` that names where it was found (flag, variable or `file:line`); the
/// loader never falls back silently. Unknown `DISPATCHER_*` names become warnings that suggest the closest known name.
public struct ConfigurationLoader: Sendable {
    /// A value given on the command line for a variable.
    public struct FlagValue: Sendable, Hashable {
        public let variable: String
        public let flag: String
        public let value: String

        public init(variable: String, flag: String, value: String) {
            self.variable = variable
            self.flag = flag
            self.value = value
        }
    }

    /// A commit identity read from git's own configuration, when present.
    public struct GitIdentity: Sendable, Hashable {
        public var name: String?
        public var email: String?

        public init(name: String? = nil, email: String? = nil) {
            self.name = name
            self.email = email
        }
    }

    public var environment: [String: String]
    public var flags: [FlagValue]
    public var gitIdentity: GitIdentity

    /// - Parameters:
    ///   - environment: the process environment (tests pass their own).
    ///   - flags: values given by command-line flags; they win over everything else.
    ///   - gitIdentity: `user.name`/`user.email` from git's configuration, the fallback for the commit identity.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        flags: [FlagValue] = [],
        gitIdentity: GitIdentity = GitIdentity()
    ) {
        self.environment = environment
        self.flags = flags
        self.gitIdentity = gitIdentity
    }

    /// The deploy root: `--root`, else `DEPLOY_ROOT`, else `currentDirectory`. It must be an existing folder.
    public func resolveRoot(flag: String?, currentDirectory: URL) throws(DispatcherError) -> URL {
        let (path, location): (String, String) =
            if let flag { (flag, "--root") } else if let env = environment["DEPLOY_ROOT"], !env.isEmpty {
                (env, "DEPLOY_ROOT")
            } else { (currentDirectory.path, "current directory") }
        let url = URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DispatcherError(
                .invalidRoot, location: location, found: "'\(url.path)', which is not an existing folder",
                accepted: "the path of a deploy root folder (it holds repos/, feedback/, dispatcher.env)")
        }
        return url
    }

    /// Reads `<root>/dispatcher.env` and resolves every variable of ``ConfigurationVariable/all``.
    /// - Parameter root: the deploy root, as ``resolveRoot(flag:currentDirectory:)`` found it.
    /// - Throws: ``DispatcherError`` for a malformed or unreadable `dispatcher.env` or the first bad value.
    public func load(root: URL) throws(DispatcherError) -> DispatcherConfiguration {
        let file = try EnvironmentFile.load(at: root.appendingPathComponent("dispatcher.env"))
        var layers = ConfigurationLayers(
            flags: flags, environment: environment, file: file, gitIdentity: gitIdentity, root: root)
        var configuration = DispatcherConfiguration()
        for setting in ConfigurationTable.all {
            try setting.read(into: &configuration, from: &layers)
        }
        configuration.origins = layers.origins
        configuration.warnings = UnknownVariableWarnings.warnings(environment: environment, file: file)
        return configuration
    }
}
