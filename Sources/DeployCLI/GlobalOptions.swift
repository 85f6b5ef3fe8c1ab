import ArgumentParser
import DeployCore
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The deploy root (default: $DEPLOY_ROOT, else the current directory).")
    var root: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a configuration variable for this run, e.g. --set SWIFTPM_NUM_JOBS=4 (repeatable).",
        valueName: "NAME=VALUE"))
    var overrides: [String] = []

    func validate() throws {
        let known = Set(ConfigurationVariable.all.map(\.name))
        for override in overrides {
            guard let equals = override.firstIndex(of: "="), !override[..<equals].isEmpty else {
                throw ValidationError("--set expects NAME=VALUE, found '\(override.prefix(40))'")
            }
            let name = String(override[..<equals])
            if ConfigurationVariable.all.contains(where: { $0.name == name && $0.isSecret }) {
                throw ValidationError(
                    "--set \(name): secrets are read from the environment or dispatcher.env only (a flag shows in the process list)")
            }
            guard known.contains(name), name != "DEPLOY_ROOT" else {
                throw ValidationError(
                    "--set: unknown variable '\(name)'; accepted: \(Self.settable.joined(separator: ", "))")
            }
        }
    }

    /// The `--set` values and `--root` as configuration flags (so `status --config` names `--root` as the origin of
    /// `DEPLOY_ROOT`).
    var flagValues: [ConfigurationLoader.FlagValue] {
        let sets: [ConfigurationLoader.FlagValue] = overrides.compactMap { override in
            guard let equals = override.firstIndex(of: "=") else { return nil }
            let name = String(override[..<equals])
            return .init(variable: name, flag: "--set \(name)", value: String(override[override.index(after: equals)...]))
        }
        let rootFlag = root.map { ConfigurationLoader.FlagValue(variable: "DEPLOY_ROOT", flag: "--root", value: $0) }
        return sets + (rootFlag.map { [$0] } ?? [])
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension GlobalOptions {
    /// The variables `--set` accepts: every non-secret variable but the root (which has `--root`).
    static var settable: [String] {
        ConfigurationVariable.all.filter { !$0.isSecret && $0.name != "DEPLOY_ROOT" }.map(\.name).sorted()
    }
}
