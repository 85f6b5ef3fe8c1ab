import Foundation

/// Facts about the machine deployctl runs on that configuration falls back to.
public enum DeployEnvironment {
    /// The commit identity from git's own configuration (`user.name`, `user.email`), when set.
    public static func gitIdentity() -> ConfigurationLoader.GitIdentity {
        // TODO(lead): read through DeployGit's libgit2 config once merged.
        ConfigurationLoader.GitIdentity()
    }
}
