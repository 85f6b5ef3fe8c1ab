/// Where an effective configuration value came from, in precedence order: flag > environment > file > default.
public enum ConfigurationOrigin: Sendable, Hashable, CustomStringConvertible {
    /// A command-line flag, e.g. `--interval`.
    case flag(String)
    /// The process environment.
    case environment
    /// A line of `dispatcher.env`.
    case file(path: String, line: Int)
    /// The user's git configuration (commit identity only).
    case gitConfig
    /// The built-in default.
    case defaultValue

    public var description: String {
        switch self {
        case .flag(let flag): "flag \(flag)"
        case .environment: "environment"
        case .file(let path, let line): "\(path):\(line)"
        case .gitConfig: "git config"
        case .defaultValue: "default"
        }
    }
}
