import DeployCore
import Foundation
import Logging

/// What every subcommand starts from: the deploy root, its effective configuration and a logger.
struct CommandContext {
    let root: DeployRoot
    let configuration: DispatcherConfiguration
    let logger: Logger

    /// Resolves the root and loads the configuration; configuration errors become exit status 2.
    init(options: GlobalOptions, extraFlags: [ConfigurationLoader.FlagValue] = []) throws {
        LoggingBootstrap.bootstrap(level: options.logLevel)
        var logger = Logger(label: "deployctl")
        logger.logLevel = options.logLevel
        let loader = ConfigurationLoader(
            environment: ProcessInfo.processInfo.environment,
            flags: options.flagValues + extraFlags,
            gitIdentity: DeployEnvironment.gitIdentity())
        do {
            let url = try loader.resolveRoot(
                flag: options.root, currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            root = DeployRoot(url: url)
            configuration = try loader.load(root: root.url)
        } catch {
            throw CommandFailure(message: error.description, exitStatus: ExitStatus.usage)
        }
        for warning in configuration.warnings {
            logger.warning("\(warning)")
        }
        self.logger = logger
    }
}

/// Bootstraps swift-log once per process: plain lines on standard error.
enum LoggingBootstrap {
    private static let once: Void = {
        LoggingSystem.bootstrap { label in
            StreamLogHandler.standardError(label: label)
        }
    }()

    static func bootstrap(level: Logger.Level) {
        _ = once
    }
}
