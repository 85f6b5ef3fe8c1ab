import ArgumentParser
import DeployCore
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

extension Deployctl {
    struct Loop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run cycles forever, sleeping DISPATCHER_INTERVAL seconds between them.",
            discussion: """
                A new file in feedback/ or SIGHUP starts the next cycle at once. SIGINT or SIGTERM stops starting \
                work, cancels running steps (their whole process groups), records the cycle and exits 0. Only one \
                dispatcher works on a root: a second loop or run-once fails at once naming the holder.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Option(help: "Seconds between cycles (overrides DISPATCHER_INTERVAL).")
        var interval: Int?

        func validate() throws {
            if let interval, interval <= 0 {
                throw ValidationError("--interval expects an integer > 0, found \(interval)")
            }
        }

        func run() async throws {
            let flags = interval.map {
                [ConfigurationLoader.FlagValue(variable: "DISPATCHER_INTERVAL", flag: "--interval", value: String($0))]
            } ?? []
            let context = try CommandContext(options: options, extraFlags: flags)
            let dispatcher = try await openDispatcher(context, command: "deployctl loop")
            ReportPrinter.announce(context.configuration, logger: context.logger)
            let progress = ProgressPrinter(style: .detect(fileDescriptor: STDERR_FILENO))
            let service = DispatcherService(
                dispatcher: dispatcher, logger: context.logger, observer: { progress.handle($0) },
                onCycle: { report in
                    progress.finish()
                    FileHandle.standardError.write(Data(ReportPrinter.summary(report).utf8))
                })
            signal(SIGHUP, SIG_IGN)
            let hangup = DispatchSource.makeSignalSource(signal: SIGHUP)
            hangup.setEventHandler { service.wake() }
            hangup.resume()
            defer { hangup.cancel() }
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: context.logger))
            try await group.run()
        }
    }
}
