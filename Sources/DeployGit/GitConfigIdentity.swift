import Clibgit2

/// The commit identity from git's own configuration (global, XDG and system files), as `git commit` would use it.
public enum GitConfigIdentity {
    /// `user.name` and `user.email`, each nil when not set (or when no configuration can be read).
    public static func read() -> (name: String?, email: String?) {
        ensureLibgit2()
        var config: OpaquePointer?
        guard git_config_open_default(&config) == 0 else {
            git_error_clear()
            return (nil, nil)
        }
        defer { git_config_free(config) }
        return (string(config, "user.name"), string(config, "user.email"))
    }

    private static func string(_ config: OpaquePointer?, _ key: String) -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_config_get_string_buf(&buffer, config, key) == 0, let pointer = buffer.ptr else {
            git_error_clear()
            return nil
        }
        let value = String(cString: pointer)
        return value.isEmpty ? nil : value
    }
}
