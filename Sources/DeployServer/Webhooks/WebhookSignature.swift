import Crypto
import Foundation

/// The HMAC-SHA256 signature a forge sends with a webhook: GitHub's `X-Hub-Signature-256: sha256=HEX`, Gitea's and
/// Forgejo's `X-Gitea-Signature: HEX`; checked against the body with `DISPATCHER_WEBHOOK_SECRET`, in constant time.
struct WebhookSignature: Sendable {
    let secret: SymmetricKey

    init(secret: String) {
        self.secret = SymmetricKey(data: Data(secret.utf8))
    }

    /// Whether `header` (the hexadecimal digest, after `prefix`) is the body's HMAC-SHA256.
    func isValid(_ header: String?, prefix: String = "", body: Data) -> Bool {
        guard let header, header.hasPrefix(prefix), let mac = Self.bytes(hex: String(header.dropFirst(prefix.count))),
            mac.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: secret)
    }

    /// The signature of `body`, as a forge would send it (hexadecimal, lower case).
    func sign(_ body: Data) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: secret).map { String(format: "%02x", $0) }.joined()
    }

    /// The bytes of an even-length hexadecimal string; nil for anything else.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, digits.count <= 256 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(of: digits[index]), let low = value(of: digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
