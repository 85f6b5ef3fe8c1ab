import Crypto

extension SHA256 {
    /// The SHA-256 digest of `bytes` as 64 lowercase hex digits (derived feedback ids, worktree folder names).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        hash(data: Array(bytes)).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
        }.joined()
    }
}
