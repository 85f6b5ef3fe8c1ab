import DeployCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The answers the routes give: JSON (sorted keys, as `status --json`), plain text, and errors as
/// `{"error": REASON}`.
enum HTTPAnswer {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let text = (try? JSONOutput.encode(value)) ?? "{}"
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8")
        -> Response
    {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        json(["error": reason], status: status)
    }
}
