import Foundation

/// The JSON encoding of every `--json` output and of the HTTP API's answers: sorted keys, ISO 8601 dates,
/// pretty-printed, so that `GET /api/v1/status` is exactly `status --json`.
public enum JSONOutput {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
