/// How many cycle logs `deploy/logs/` keeps. Any limit left `nil` does not apply; the newest log is always kept.
public struct LogRetentionPolicy: Sendable, Codable, Hashable {
    /// Keep at most this many cycle logs.
    public var maximumCount: Int?
    /// Remove logs whose cycle started longer ago than this many seconds.
    public var maximumAge: Double?
    /// Remove the oldest logs until the logs and their reports take at most this many bytes.
    public var maximumTotalBytes: Int64?

    /// Creates a policy.
    public init(maximumCount: Int? = 50, maximumAge: Double? = 30 * 24 * 3600, maximumTotalBytes: Int64? = 1 << 30) {
        self.maximumCount = maximumCount
        self.maximumAge = maximumAge
        self.maximumTotalBytes = maximumTotalBytes
    }
}
