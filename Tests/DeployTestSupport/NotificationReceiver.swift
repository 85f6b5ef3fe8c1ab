import Foundation

/// A local endpoint that records the notifications posted to it (`notification-receiver.py`), answering 500 to the
/// first `failures` requests so that a test sees the sender retry.
public final class NotificationReceiver: @unchecked Sendable {
    /// One request as it arrived.
    public struct Delivery: Sendable, Decodable {
        public var path: String
        /// What the receiver answered.
        public var status: Int
        public var contentType: String?
        public var authorization: String?
        public var body: String
        /// The body as JSON.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
        }
    }

    public let port: Int
    private let process: ChildProcess
    private let record: URL

    public init(scratch: ScratchDirectory, failures: Int = 0) throws {
        record = scratch.appending("notifications-\(UUID().uuidString.prefix(6)).jsonl")
        (process, port) = try LocalServerProcess.launch(
            script: "notification-receiver.py", arguments: [record.path, String(failures)], environment: [:])
    }

    /// `http://127.0.0.1:PORT/hooks/SECRET-PATH`: the path stands for a Slack webhook URL's secret part.
    public var url: String { "http://127.0.0.1:\(port)/services/T000/B000/secret-path-for-tests" }

    /// What arrived so far, oldest first.
    public func deliveries() -> [Delivery] {
        let text = (try? String(contentsOf: record, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Delivery.self, from: Data($0.utf8)) }
    }

    public func stop() {
        process.send(SIGTERM)
        process.wait()
    }
}
