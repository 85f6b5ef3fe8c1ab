import DeployCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// `POST /hooks/github` and `POST /hooks/gitea`: a forge's push webhook, signed with `DISPATCHER_WEBHOOK_SECRET`,
/// starts a cycle of the managed repositories it names at once.
///
/// Without a secret both routes answer 404. A missing or wrong signature is 401 and starts nothing; a body larger
/// than GitHub's 25 MB is 413; a `ping` is 200; a push is 202 with the repositories it started a cycle for (an empty
/// list when none matches); another event is 202 and ignored. Every rejection is logged once with its reason, never
/// with the body, and counted in `deployctl_webhooks_total{forge,result}`.
struct WebhookRoutes: Sendable {
    /// A forge's webhook dialect.
    struct Forge: Sendable {
        var name: String
        var path: String
        /// The headers that carry the signature, with the text before the hexadecimal digest.
        var signatureHeaders: [(HTTPField.Name, String)]
        var eventHeaders: [HTTPField.Name]

        static let github = Forge(
            name: "github", path: "hooks/github",
            signatureHeaders: [(HTTPField.Name("X-Hub-Signature-256")!, "sha256=")],
            eventHeaders: [HTTPField.Name("X-GitHub-Event")!])
        static let gitea = Forge(
            name: "gitea", path: "hooks/gitea",
            signatureHeaders: [
                (HTTPField.Name("X-Gitea-Signature")!, ""), (HTTPField.Name("X-Forgejo-Signature")!, ""),
            ],
            eventHeaders: [HTTPField.Name("X-Gitea-Event")!, HTTPField.Name("X-Forgejo-Event")!])
    }

    /// The largest body read (GitHub caps payloads at 25 MB).
    static let maximumBodyBytes = 25 << 20

    let root: DeployRoot
    let signature: WebhookSignature?
    /// Starts a cycle of the named repositories.
    let wake: @Sendable ([RepositoryName]) -> Void
    let logger: Logger

    /// The answer to a push: the repositories a cycle was started for.
    struct Started: Encodable {
        var repositories: [String]
    }

    func add(to router: Router<BasicRequestContext>) {
        for forge in [Forge.github, Forge.gitea] {
            router.post(RouterPath(forge.path)) { request, _ in
                await handle(request, forge: forge)
            }
        }
    }

    private func handle(_ request: Request, forge: Forge) async -> Response {
        guard let signature else { return HTTPAnswer.error(.notFound, "webhooks are off (no DISPATCHER_WEBHOOK_SECRET)") }
        let body: Data
        do {
            var buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
            body = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            return reject(forge, .contentTooLarge, "too-large", "the body is larger than \(Self.maximumBodyBytes) bytes")
        }
        let signed = forge.signatureHeaders.lazy.compactMap { name, prefix in
            request.headers[name].map { ($0, prefix) }
        }.first
        guard let (header, prefix) = signed else {
            return reject(forge, .unauthorized, "unsigned", "no \(forge.signatureHeaders[0].0) header")
        }
        guard signature.isValid(header, prefix: prefix, body: body) else {
            return reject(forge, .unauthorized, "bad-signature", "the signature does not match the body")
        }
        let event = forge.eventHeaders.lazy.compactMap { request.headers[$0] }.first ?? ""
        switch event {
        case "ping":
            count(forge, "ping")
            return HTTPAnswer.json(["pong": true])
        case "push":
            let push: PushEvent
            do { push = try PushEvent(json: body) } catch {
                return reject(forge, .badRequest, "malformed", error.description)
            }
            let names = PushMatcher(targets: PushMatcher.targets(root: root)).repositories(for: push)
            count(forge, names.isEmpty ? "unmatched" : "started")
            if !names.isEmpty {
                logger.info(
                    "webhook push: a cycle of \(names.map(\.rawValue).joined(separator: ", "))",
                    metadata: ["deploy.webhook.forge": "\(forge.name)", "deploy.webhook.ref": "\(push.ref.prefix(200))"])
                wake(names)
            }
            return HTTPAnswer.json(Started(repositories: names.map(\.rawValue)), status: .accepted)
        default:
            count(forge, "ignored")
            return HTTPAnswer.json(["ignored": String(event.prefix(100))], status: .accepted)
        }
    }

    private func reject(_ forge: Forge, _ status: HTTPResponse.Status, _ result: String, _ reason: String) -> Response {
        count(forge, result)
        logger.warning(
            "webhook refused (\(status.code)): \(reason)", metadata: ["deploy.webhook.forge": "\(forge.name)"])
        return HTTPAnswer.error(status, reason)
    }

    private func count(_ forge: Forge, _ result: String) {
        Counter(label: "deployctl_webhooks_total", dimensions: [("forge", forge.name), ("result", result)]).increment()
    }
}
