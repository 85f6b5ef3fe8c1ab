/// Where a ``ConfigurationSetting`` is looked up, after which its default applies.
enum ConfigurationSource: Sendable {
    /// Flag > environment > `dispatcher.env`; the usual case.
    case layers
    /// The layers, then a key of the user's git configuration (`user.name`, `user.email`): the commit identity.
    case layersThenGitConfig(key: String, any KeyPath<ConfigurationLoader.GitIdentity, String?> & Sendable)
    /// The deploy root the loader was given, which ``ConfigurationLoader/resolveRoot(flag:currentDirectory:)`` found
    /// from `--root`, `DEPLOY_ROOT` or the current directory before `dispatcher.env` could be read.
    case deployRoot
}
