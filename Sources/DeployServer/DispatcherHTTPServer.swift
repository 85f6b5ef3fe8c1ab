import DeployCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The loop's HTTP server (`DISPATCHER_HTTP_LISTEN`), a Hummingbird application run as a `Service` beside the
/// dispatcher in the loop's `ServiceGroup`: health and readiness, Prometheus metrics, the read-only status API, the
/// forges' push webhooks and the feedback API (every route in `docs/http.md`).
///
/// Bounded: at most ``maximumConnections`` connections at once, an idle connection closed after ``idleTimeout``, a
/// connection closed when a request head takes longer than ``requestHeadTimeout``, request headers of at most
/// 80 kB, bodies read up to their route's limit. No handler waits for a cycle: a webhook only wakes the loop.
public enum DispatcherHTTPServer {
    public static let maximumConnections = 64
    public static let idleTimeout: TimeAmount = .seconds(30)
    /// How long a connection may take to send a whole request head (``RequestHeadTimeout``).
    public static let requestHeadTimeout: TimeAmount = .seconds(10)

    /// The server as a service.
    /// - Parameters:
    ///   - address: where to listen.
    ///   - root: the deploy root whose status the API answers.
    ///   - webhookSecret: the secret webhooks are signed with; nil turns the hook routes off (404).
    ///   - apiToken: the feedback API's bearer token; nil turns its routes off (404).
    ///   - feedbackMaxBytes: the largest feedback document accepted (`DISPATCHER_FEEDBACK_MAX_BYTES`).
    ///   - readiness: what `/readyz` answers from.
    ///   - metrics: the registry the process's swift-metrics were bootstrapped with (`/metrics` emits it).
    ///   - wake: starts a cycle of the named repositories (``DispatcherService/wake(repositories:)``).
    public static func service(
        address: ListenAddress, root: DeployRoot, webhookSecret: String?, apiToken: String?, feedbackMaxBytes: Int,
        readiness: LoopReadiness,
        metrics: PrometheusCollectorRegistry, wake: @escaping @Sendable ([RepositoryName]) -> Void, logger: Logger
    ) -> some Service {
        let router = Router()
        let store = OpenStore(root: root)
        StatusRoutes(root: root, readiness: readiness, store: store).add(to: router)
        DashboardRoutes(root: root, store: store).add(to: router)
        router.get("metrics") { _, _ in
            HTTPAnswer.text(metrics.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        WebhookRoutes(
            root: root, signature: webhookSecret.map(WebhookSignature.init(secret:)), wake: wake, logger: logger
        ).add(to: router)
        FeedbackRoutes(root: root, token: apiToken.map(APIToken.init), maximumBytes: feedbackMaxBytes, logger: logger)
            .add(to: router)
        var serverLogger = logger
        // Hummingbird's own lines (one per request at info) only when deployctl's log level asks for debugging.
        if logger.logLevel > .debug { serverLogger.logLevel = max(logger.logLevel, .notice) }
        return Application(
            router: router,
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [RequestHeadTimeout(timeout: requestHeadTimeout)],
                    idleTimeout: idleTimeout)),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: "deployctl",
                availableConnectionsDelegate: MaximumAvailableConnections(maximumConnections)),
            onServerRunning: { channel in
                logger.notice("HTTP server listening on \(channel.localAddress.map { "\($0)" } ?? "\(address)")")
            },
            logger: serverLogger)
    }
}
