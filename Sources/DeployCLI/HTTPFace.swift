import DeployCore
import DeployServer
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `loop`'s HTTP server, set up once per process: swift-metrics bootstrapped with a Prometheus registry (so that
/// what DeployCore counts is served at `/metrics`), then the server on `address`.
enum HTTPFace {
    static func start(
        address: ListenAddress, context: CommandContext, readiness: LoopReadiness,
        wake: @escaping @Sendable ([RepositoryName]) -> Void
    ) -> some Service {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = DispatcherMetrics.durationBuckets
        MetricsSystem.bootstrap(factory)
        if !address.isLoopback {
            let warning = "HTTP on \(address), not loopback: the server speaks plain HTTP; bind it to 127.0.0.1 and "
                + "put a reverse proxy in front for TLS (docs/http.md)"
            context.logger.warning("\(warning)", source: CommandContext.logSource)
        }
        return DispatcherHTTPServer.service(
            address: address, root: context.root, webhookSecret: context.configuration.webhookSecret?.revealed,
            apiToken: context.configuration.apiToken?.revealed,
            feedbackMaxBytes: context.configuration.feedbackMaxBytes,
            readiness: readiness, metrics: registry, wake: wake, logger: context.logger)
    }
}
