import DeployGit

/// Facts about the machine deployctl runs on that configuration falls back to.
public enum DeployEnvironment {
    /// The commit identity from git's own configuration (`user.name`, `user.email`), when set.
    public static func gitIdentity() -> ConfigurationLoader.GitIdentity {
        let identity = GitConfigIdentity.read()
        return ConfigurationLoader.GitIdentity(name: identity.name, email: identity.email)
    }
}
