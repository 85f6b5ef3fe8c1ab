import DeployBuild
import DeployFeedback
import Foundation

/// Resolves a ``DispatcherConfiguration`` with precedence: command-line flag > process environment >
/// `<root>/dispatcher.env` > default.
///
/// An empty (or blank) value means unset, in every layer and for every variable: `GIT_USER_NAME=` or `GITHUB_TOKEN=`
/// (as the seed's sample `dispatcher.env` has them) falls through to the next layer and finally to the default.
///
/// Every bad value is a ``ConfigurationError`` that names where it was found (flag, variable or `file:line`); the
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
    public func resolveRoot(flag: String?, currentDirectory: URL) throws(ConfigurationError) -> URL {
        let (path, location): (String, String) =
            if let flag { (flag, "--root") } else if let env = environment["DEPLOY_ROOT"], !env.isEmpty {
                (env, "DEPLOY_ROOT")
            } else { (currentDirectory.path, "current directory") }
        let url = URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError(
                .invalidRoot, location: location, found: "'\(url.path)', which is not an existing folder",
                accepted: "the path of a deploy root folder (it holds repos/, feedback/, dispatcher.env)")
        }
        return url
    }

    /// Reads `<root>/dispatcher.env` and resolves every variable.
    public func load(root: URL) throws(ConfigurationError) -> DispatcherConfiguration {
        let file = try EnvironmentFile.load(at: root.appendingPathComponent("dispatcher.env"))
        var resolver = Resolver(flags: flags, environment: environment, file: file)
        let identityName = resolver.raw(.gitUserName)
        let identityEmail = resolver.raw(.gitUserEmail)

        var configuration = DispatcherConfiguration(
            interval: try resolver.positiveInteger(.interval, default: 60),
            usePullRequests: try resolver.boolean(.usePullRequests, default: true),
            githubToken: resolver.secret(.githubToken),
            gitUserName: identityName?.value ?? gitIdentity.name ?? "deployctl",
            gitUserEmail: identityEmail?.value ?? gitIdentity.email ?? "deployctl@localhost",
            openAIAPIKey: resolver.secret(.openAIAPIKey),
            openAIAPIBase: ChatCompletionsClient.apiBase(
                from: try resolver.httpURL(.openAIAPIBase, default: "https://api.openai.com/v1")),
            buildDocker: try resolver.boolean(.buildDocker, default: false),
            runE2E: try resolver.boolean(.runE2E, default: false),
            swiftpmJobs: try resolver.positiveInteger(.swiftpmJobs, default: 2),
            swiftOverride: resolver.raw(.swiftOverride).map(\.value).flatMap { $0.isEmpty ? nil : $0 },
            fetchConcurrency: try resolver.positiveInteger(.fetchConcurrency, default: 4),
            stepTimeout: try resolver.positiveInteger(.stepTimeout, default: 1800),
            verifyFeedback: try resolver.boolean(.verifyFeedback, default: true),
            feedbackMaxBytes: try resolver.positiveInteger(.feedbackMaxBytes, default: 1_048_576),
            logRetentionCount: try resolver.positiveInteger(.logRetentionCount, default: 100),
            logRetentionDays: try resolver.positiveInteger(.logRetentionDays, default: 30),
            githubAPIURL: try resolver.httpURL(.githubAPIURL, default: "https://api.github.com"),
            prPollInterval: try resolver.positiveInteger(.prPollInterval, default: 30),
            prTimeout: try resolver.positiveInteger(.prTimeout, default: 86_400),
            postCommitStatus: try resolver.boolean(.commitStatus, default: false),
            commitLogs: try resolver.boolean(.commitLogs, default: false),
            origins: [:],
            warnings: [],
            deployRootDisplay: root.path
        )
        if let model = resolver.raw(.openAIModel)?.value.trimmingCharacters(in: .whitespaces), !model.isEmpty {
            configuration.openAIModel = model
        }
        configuration.proposeFixes = try resolver.boolean(.proposeFixes, default: false)
        configuration.proposeAttempts = try resolver.positiveInteger(.proposeAttempts, default: 2)
        configuration.modelTimeout = try resolver.positiveInteger(.modelTimeout, default: 120)
        configuration.proposePromptBytes = try resolver.positiveInteger(.proposePromptBytes, default: 49_152)
        configuration.changelog = try resolver.boolean(.changelog, default: true)
        configuration.pullRequestComment = try resolver.boolean(.prComment, default: true)
        configuration.sandbox = try resolver.choice(.sandbox, default: .auto)
        configuration.verifyNetwork = try resolver.boolean(.verifyNetwork, default: true)
        if identityName == nil, gitIdentity.name != nil {
            resolver.origins[ConfigurationVariable.gitUserName.name] = .gitConfig
        }
        if identityEmail == nil, gitIdentity.email != nil {
            resolver.origins[ConfigurationVariable.gitUserEmail.name] = .gitConfig
        }
        if flags.contains(where: { $0.variable == ConfigurationVariable.deployRoot.name }) {
            resolver.origins[ConfigurationVariable.deployRoot.name] = .flag("--root")
        } else if let value = environment[ConfigurationVariable.deployRoot.name], !value.isEmpty {
            resolver.origins[ConfigurationVariable.deployRoot.name] = .environment
        } else {
            resolver.origins[ConfigurationVariable.deployRoot.name] = .defaultValue
        }
        configuration.origins = resolver.origins
        configuration.warnings = Self.typoWarnings(environment: environment, file: file)
        return configuration
    }

    /// Names that start with `DISPATCHER_` but are not known: likely typos.
    static func typoWarnings(environment: [String: String], file: EnvironmentFile) -> [String] {
        let known = Set(ConfigurationVariable.all.map(\.name))
        var warnings: [String] = []
        func check(_ name: String, at place: String) {
            guard name.hasPrefix("DISPATCHER_"), !known.contains(name) else { return }
            var warning = "\(place): unknown variable \(name)"
            if let suggestion = closestKnownName(to: name) { warning += " (did you mean \(suggestion)?)" }
            warnings.append(warning)
        }
        for name in environment.keys.sorted() { check(name, at: "environment") }
        for entry in file.entries { check(entry.key, at: "\(file.path):\(entry.line)") }
        return warnings
    }

    static func closestKnownName(to name: String) -> String? {
        let candidates = ConfigurationVariable.all.map(\.name).map { ($0, editDistance($0, name)) }
        guard let best = candidates.min(by: { $0.1 < $1.1 }), best.1 <= 4 else { return nil }
        return best.0
    }

    /// Levenshtein distance, for typo suggestions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Looks one variable up through the layers and parses it, remembering where each value came from.
private struct Resolver {
    struct Found {
        let value: String
        let origin: ConfigurationOrigin
        /// How the origin is named in an error message.
        let location: String
    }

    let flags: [ConfigurationLoader.FlagValue]
    let environment: [String: String]
    let file: EnvironmentFile
    var origins: [String: ConfigurationOrigin] = [:]

    init(flags: [ConfigurationLoader.FlagValue], environment: [String: String], file: EnvironmentFile) {
        self.flags = flags
        self.environment = environment
        self.file = file
    }

    /// The value of `variable` from the first layer that sets it. An empty (or blank) value means unset, in every
    /// layer: `GIT_USER_NAME=` in `dispatcher.env` (as the seed's sample file has it) or `GITHUB_TOKEN=` in the
    /// environment falls through to the next layer, and finally to the default.
    mutating func raw(_ variable: ConfigurationVariable) -> Found? {
        let found: Found?
        if let flag = flags.last(where: { $0.variable == variable.name && !isBlank($0.value) }) {
            found = Found(value: flag.value, origin: .flag(flag.flag), location: flag.flag)
        } else if let value = environment[variable.name], !isBlank(value) {
            found = Found(value: value, origin: .environment, location: "\(variable.name) (environment)")
        } else if let entry = file.values[variable.name], !isBlank(entry.value) {
            found = Found(
                value: entry.value, origin: .file(path: file.path, line: entry.line),
                location: "\(file.path):\(entry.line): \(variable.name)")
        } else {
            found = nil
        }
        origins[variable.name] = found?.origin ?? .defaultValue
        return found
    }

    private func isBlank(_ value: String) -> Bool {
        value.allSatisfy(\.isWhitespace)
    }

    mutating func positiveInteger(_ variable: ConfigurationVariable, default value: Int) throws(ConfigurationError)
        -> Int
    {
        guard let found = raw(variable) else { return value }
        let text = found.value.trimmingCharacters(in: .whitespaces)
        guard let number = Int(text), number > 0 else {
            throw ConfigurationError(
                .invalidValue, location: found.location, found: "'\(found.value)'", accepted: "an integer > 0")
        }
        return number
    }

    mutating func boolean(_ variable: ConfigurationVariable, default value: Bool) throws(ConfigurationError) -> Bool {
        guard let found = raw(variable) else { return value }
        switch found.value.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default:
            throw ConfigurationError(
                .invalidValue, location: found.location, found: "'\(found.value)'",
                accepted: "1/0, true/false or yes/no (any case)")
        }
    }

    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ variable: ConfigurationVariable, default value: Choice
    ) throws(ConfigurationError) -> Choice where Choice.RawValue == String {
        guard let found = raw(variable) else { return value }
        let text = found.value.trimmingCharacters(in: .whitespaces).lowercased()
        guard let chosen = Choice(rawValue: text) else {
            throw ConfigurationError(
                .invalidValue, location: found.location, found: "'\(found.value)'",
                accepted: Choice.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return chosen
    }

    mutating func secret(_ variable: ConfigurationVariable) -> Secret? {
        guard let found = raw(variable), !found.value.isEmpty else {
            origins[variable.name] = .defaultValue
            return nil
        }
        return Secret(found.value)
    }

    mutating func httpURL(_ variable: ConfigurationVariable, default value: String) throws(ConfigurationError) -> URL {
        let text = raw(variable)
        let candidate = text?.value ?? value
        let accepted = "an http:// or https:// URL without credentials"
        guard let url = URL(string: candidate), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            throw ConfigurationError(
                .invalidValue, location: text?.location ?? variable.name, found: "'\(candidate)'", accepted: accepted)
        }
        guard url.user == nil, url.password == nil else {
            // Never echo the value: it holds credentials.
            throw ConfigurationError(
                .invalidValue, location: text?.location ?? variable.name, found: "a URL with credentials in it",
                accepted: accepted)
        }
        return url
    }
}
