import Crypto
import Foundation

/// The bearer token of the feedback API (`DISPATCHER_API_TOKEN`), compared in constant time: both sides are hashed
/// first, so neither the length nor a common prefix of a guess shows in the time it takes.
struct APIToken: Sendable {
    private let digest: [UInt8]

    init(_ token: String) {
        digest = Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// Whether `header` is `Bearer TOKEN` with this token.
    func authorizes(_ header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let offered = Array(SHA256.hash(data: Data(header.dropFirst("Bearer ".count).utf8)))
        var difference: UInt8 = 0
        for (left, right) in zip(digest, offered) { difference |= left ^ right }
        return difference == 0
    }
}
