import Foundation

/// The places a variable is looked up, in precedence order (flag > environment > `dispatcher.env`, then git config
/// or the deploy root for the settings whose ``ConfigurationSource`` says so), remembering where each value came from.
struct ConfigurationLayers {
    /// A value and where it was found.
    struct Found {
        let value: String
        let origin: ConfigurationOrigin
        /// How the origin is named in an error message.
        let location: String
    }

    let flags: [ConfigurationLoader.FlagValue]
    let environment: [String: String]
    let file: EnvironmentFile
    let gitIdentity: ConfigurationLoader.GitIdentity
    let root: URL
    /// The origin of every variable looked up so far, by name (``ConfigurationOrigin/defaultValue`` when unset).
    private(set) var origins: [String: ConfigurationOrigin] = [:]

    init(
        flags: [ConfigurationLoader.FlagValue], environment: [String: String], file: EnvironmentFile,
        gitIdentity: ConfigurationLoader.GitIdentity, root: URL
    ) {
        self.flags = flags
        self.environment = environment
        self.file = file
        self.gitIdentity = gitIdentity
        self.root = root
    }

    /// The value of the variable `name` from the first place that sets it, or `nil` when its default applies.
    mutating func find(_ name: String, source: ConfigurationSource) -> Found? {
        let found: Found? =
            switch source {
            case .layers: layered(name)
            case .layersThenGitConfig(let key, let value):
                layered(name)
                    ?? gitIdentity[keyPath: value].map {
                        Found(value: $0, origin: .gitConfig, location: "git config \(key)")
                    }
            case .deployRoot: deployRoot(name)
            }
        origins[name] = found?.origin ?? .defaultValue
        return found
    }

    /// An empty (or blank) value means unset, in every layer: `GIT_USER_NAME=` in `dispatcher.env` (as the seed's
    /// sample file has it) or `GITHUB_TOKEN=` in the environment falls through to the next layer, and finally to the
    /// default.
    private func layered(_ name: String) -> Found? {
        if let flag = flags.last(where: { $0.variable == name && !isBlank($0.value) }) {
            return Found(value: flag.value, origin: .flag(flag.flag), location: flag.flag)
        }
        if let value = environment[name], !isBlank(value) {
            return Found(value: value, origin: .environment, location: "\(name) (environment)")
        }
        if let entry = file.values[name], !isBlank(entry.value) {
            return Found(
                value: entry.value, origin: .file(path: file.path, line: entry.line),
                location: "\(file.path):\(entry.line): \(name)")
        }
        return nil
    }

    /// The root's path, with the origin ``ConfigurationLoader/resolveRoot(flag:currentDirectory:)`` took it from.
    private func deployRoot(_ name: String) -> Found {
        let origin: ConfigurationOrigin =
            if flags.contains(where: { $0.variable == name }) {
                .flag("--root")
            } else if let value = environment[name], !value.isEmpty {
                .environment
            } else {
                .defaultValue
            }
        return Found(value: root.path, origin: origin, location: name)
    }

    private func isBlank(_ value: String) -> Bool {
        value.allSatisfy(\.isWhitespace)
    }
}
