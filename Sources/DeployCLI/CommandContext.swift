import DeployBuild
import DeployCore
import Foundation
import Logging
import Synchronization

/// What every subcommand starts from: the deploy root, its effective configuration, a logger, and the executable's
/// fault-injection plan (handed to the dispatcher).
struct CommandContext {
    let root: DeployRoot
    let configuration: DispatcherConfiguration
    let logger: Logger
    let faults: FaultInjection

    /// The source the commands' own log lines name (`[deployctl]`, as documented), not the module they are in.
    static let logSource = "deployctl"

    /// Resolves the root and loads the configuration; configuration errors become exit status 2.
    init(
        options: GlobalOptions, extraFlags: [ConfigurationLoader.FlagValue] = [],
        faults: FaultInjection = FaultInjection()
    ) throws {
        self.faults = faults
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
            logger.warning("\(warning)", source: Self.logSource)
        }
        self.logger = logger
    }
}

/// Bootstraps swift-log once per process: plain lines on standard error, at the level `--log-level` asks for.
///
/// The level is set on every handler the factory makes, so loggers the libraries create themselves (with their
/// own labels) print at the same level as the command's.
enum LoggingBootstrap {
    private static let bootstrapped = Mutex(false)

    /// Bootstraps at `level`; later calls in the same process change nothing (swift-log bootstraps once).
    static func bootstrap(level: Logger.Level) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
