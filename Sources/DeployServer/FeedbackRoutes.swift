import DeployCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `POST /api/v1/feedback` and `GET /api/v1/feedback/ID`: an agent on another machine hands in a feedback document
/// and follows it, with `Authorization: Bearer DISPATCHER_API_TOKEN`.
///
/// The body is read as a file in `feedback/` would be (the same size limit, the same reasons), then written into
/// `feedback/` atomically as `api-ID.json` (a temporary name renamed into place), where the loop takes it
/// like any other file. Without a token both routes answer 404; a wrong token is 401.
struct FeedbackRoutes: Sendable {
    let root: DeployRoot
    let token: APIToken?
    let maximumBytes: Int
    let logger: Logger

    /// Where a submitted document stands, with the address to follow it at.
    struct Standing: Encodable {
        var standing: FeedbackStanding
        var location: String

        private enum CodingKeys: String, CodingKey { case location }

        func encode(to encoder: any Encoder) throws {
            try standing.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(location, forKey: .location)
        }
    }

    func add(to router: Router<BasicRequestContext>) {
        router.post("api/v1/feedback") { request, _ in await submit(request) }
        router.get("api/v1/feedback/:id") { request, context in
            if let refusal = refusal(request) { return refusal }
            let id = context.parameters.get("id") ?? ""
            guard FeedbackNames.isValidID(id), let standing = standing(of: id) else {
                return HTTPAnswer.error(.notFound, "no feedback with the id '\(id.prefix(128))'")
            }
            return HTTPAnswer.json(standing)
        }
    }

    /// 404 without a token, 401 for a wrong one; nil when the request may go on.
    private func refusal(_ request: Request) -> Response? {
        guard let token else { return HTTPAnswer.error(.notFound, "the feedback API is off (no DISPATCHER_API_TOKEN)") }
        guard token.authorizes(request.headers[.authorization]) else {
            logger.warning("feedback API: refused a request without the right bearer token")
            return HTTPAnswer.error(.unauthorized, "a bearer token is required (Authorization: Bearer …)")
        }
        return nil
    }

    private func submit(_ request: Request) async -> Response {
        if let refusal = refusal(request) { return refusal }
        var buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maximumBytes) } catch {
            logger.warning("feedback API: refused a body over \(maximumBytes) bytes")
            return HTTPAnswer.error(
                .contentTooLarge, "file-too-large: the document is larger than the limit of \(maximumBytes) bytes")
        }
        let data = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        let document: FeedbackDocument
        do { document = try FeedbackDocument.parse(data) } catch {
            logger.warning("feedback API: refused a document: \(error.code)")
            return HTTPAnswer.json(FeedbackRefusal(error), status: .badRequest)
        }
        let id = document.id
        if let standing = standing(of: id) {
            return HTTPAnswer.json(standing, status: .conflict)
        }
        let name = "api-\(id).json"
        do { try FeedbackInbox(directory: root.feedback).deposit(data, named: name) } catch {
            logger.error("feedback API: cannot write \(name) into feedback/: \(error)")
            return HTTPAnswer.error(.internalServerError, "the document could not be written into feedback/")
        }
        logger.info("feedback API: queued \(name)")
        return HTTPAnswer.json(
            Standing(standing: FeedbackStanding(id: id, state: .pending), location: "/api/v1/feedback/\(id)"),
            status: .accepted)
    }

    /// Where the document with `id` (its file `api-ID.json`) is now, if anywhere.
    func standing(of id: String) -> Standing? {
        FeedbackInbox(directory: root.feedback).standing(ofFile: "api-\(id).json", id: id).map {
            Standing(standing: $0, location: "/api/v1/feedback/\(id)")
        }
    }
}

/// A document refused as a file would be: its reason, code and field.
struct FeedbackRefusal: Encodable {
    var error: String
    var code: String
    var field: String?

    init(_ failure: FeedbackError) {
        error = failure.description
        code = failure.code.rawValue
        field = failure.field
    }
}
