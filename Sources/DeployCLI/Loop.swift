import ArgumentParser
import DeployBuild
import DeployCore
import DeployServer
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

extension Deployctl {
    struct Loop: DispatcherCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run cycles forever, sleeping DISPATCHER_INTERVAL seconds between them.",
            discussion: """
                A new file in feedback/ starts the next cycle at once. SIGINT or SIGTERM stops starting work, \
                cancels running steps (their whole process groups), records the cycle and exits 0. SIGHUP does the \
                same under a terminal (closing it ends the loop); without a controlling terminal (systemd, launchd, \
                a container) or under nohup, SIGHUP starts the next cycle at once. Only one dispatcher works on a \
                root: a second loop or run-once fails at once naming the holder.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Option(help: "Seconds between cycles (overrides DISPATCHER_INTERVAL).")
        var interval: Int?

        @Option(help: "Serve HTTP on HOST:PORT: health, metrics, the status API, webhooks (overrides DISPATCHER_HTTP_LISTEN).")
        var listen: String?

        func validate() throws {
            if let interval, interval <= 0 {
                throw ValidationError("--interval expects an integer > 0, found \(interval)")
            }
        }

        func run(faults: FaultInjection) async throws {
            // Before any handler is installed, so an inherited `nohup` (SIGHUP ignored) is seen.
            let hangupRule = HangupRule.detect()
            var flags = interval.map {
                [ConfigurationLoader.FlagValue(variable: "DISPATCHER_INTERVAL", flag: "--interval", value: String($0))]
            } ?? []
            if let listen {
                flags.append(ConfigurationLoader.FlagValue(variable: "DISPATCHER_HTTP_LISTEN", flag: "--listen", value: listen))
            }
            let context = try CommandContext(options: options, extraFlags: flags, faults: faults)
            let dispatcher = try await openDispatcher(context, command: "deployctl loop")
            ReportPrinter.announce(context.configuration, logger: context.logger)
            let progress = ProgressPrinter(style: .detect(fileDescriptor: STDERR_FILENO))
            let readiness = LoopReadiness(root: context.root)
            let configuration = context.configuration
            let notifier = configuration.notifyURL.flatMap { URL(string: $0.revealed) }.map { url in
                TransitionNotifier(
                    url: url, format: configuration.notifyFormat, secrets: configuration.secrets,
                    logger: context.logger)
            }
            let service = DispatcherService(
                dispatcher: dispatcher, logger: context.logger, observer: { progress.handle($0) },
                onCycle: { report in
                    progress.finish()
                    StandardError.write(ReportPrinter.summary(report))
                    readiness.cycleFinished()
                }, notifier: notifier)
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: service)]
            if let address = context.configuration.httpListen {
                services.append(
                    .init(
                        service: HTTPFace.start(
                            address: address, context: context, readiness: readiness,
                            wake: { service.wake(repositories: $0) })))
            }
            var shutdownSignals: [UnixSignal] = [.sigterm, .sigint]
            var hangup: (any DispatchSourceSignal)?
            switch hangupRule {
            case .stopsTheLoop:
                shutdownSignals.append(.sighup)
            case .startsACycle:
                signal(SIGHUP, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: SIGHUP)
                source.setEventHandler { service.wake() }
                source.resume()
                hangup = source
            }
            defer { hangup?.cancel() }
            let hangupMeaning =
                hangupRule == .stopsTheLoop ? "stops the loop (it runs under a terminal)" : "starts the next cycle"
            context.logger.info("SIGHUP \(hangupMeaning)", source: CommandContext.logSource)
            let group = ServiceGroup(
                configuration: .init(
                    services: services, gracefulShutdownSignals: shutdownSignals,
                    logger: context.logger))
            try await group.run()
        }
    }
}
