/// The environment a step starts with: never the dispatcher's whole environment, only an allow-list of harmless
/// variables, the names a repository asks for (the manifest's `env`), and what deployctl sets for the step; never a
/// variable that is, or holds, a configured secret.
///
/// With the tokens in the dispatcher's environment (systemd's `EnvironmentFile=dispatcher.env`), a patched
/// `Package.swift` or `build.sh` would otherwise read `GITHUB_TOKEN` and `OPENAI_API_KEY` during verification.
public enum StepEnvironment {
    /// Variables passed through from the dispatcher's environment by name.
    public static let allowedNames: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR", "DEPLOY_SWIFT",
        // Toolchain selection on macOS (xcrun) and the Docker engine's address.
        "DEVELOPER_DIR", "TOOLCHAINS", "SDKROOT", "DOCKER_HOST", "DOCKER_CONTEXT",
    ]
    /// Prefixes of variables passed through: the locale (`LC_ALL`, `LC_CTYPE`, …) and SwiftPM's own settings.
    public static let allowedPrefixes = ["LC_", "SWIFTPM_"]
    /// Names never passed through, even when the manifest names them: deployctl's own secrets.
    public static let secretNames: Set<String> = ["GITHUB_TOKEN", "OPENAI_API_KEY", "DISPATCHER_WEBHOOK_SECRET"]

    /// The environment of a step.
    ///
    /// - Parameters:
    ///   - inherited: the dispatcher's environment.
    ///   - names: further names to pass through (the manifest's `env` list); secret names are never passed.
    ///   - settings: variables deployctl sets for the step (they win over inherited ones).
    ///   - secrets: configured secret values; a passed-through variable holding one (in any part) is dropped.
    public static func make(
        inheriting inherited: [String: String], names: [String] = [], settings: [String: String] = [:],
        secrets: [String] = []
    ) -> [String: String] {
        let secrets = secrets.filter { !$0.isEmpty }
        let requested = Set(names).subtracting(secretNames)
        var environment: [String: String] = [:]
        for (name, value) in inherited where !secretNames.contains(name) {
            guard allowedNames.contains(name) || requested.contains(name)
                || allowedPrefixes.contains(where: name.hasPrefix)
            else { continue }
            guard !secrets.contains(where: value.contains) else { continue }
            environment[name] = value
        }
        for (name, value) in settings where !secretNames.contains(name) { environment[name] = value }
        return environment
    }
}
