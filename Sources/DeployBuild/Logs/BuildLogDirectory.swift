import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `deploy/logs/` folder: one `build-YYYYMMDD-HHMMSS.log` per cycle (UTC), a stable `build.log` symlink to the
/// latest, and retention.
public struct BuildLogDirectory: Sendable {
    /// The name of the symlink that always points at the latest cycle log.
    public static let latestName = "build.log"

    /// The folder.
    public let url: URL
    /// Whether ``makeCycleLog(at:)`` points `build.log` at the new log. Turned off where a git repository tracks
    /// `build.log` as a regular file (the seed's layout): replacing a tracked file would count as a local change.
    public var linksLatest: Bool
    /// Fault injection for crash tests (``prune(_:now:)`` reaches ``FaultPoint/logRotating`` after each removal); the
    /// default injects nothing.
    public var faults: FaultInjection

    /// Creates a handle on `url`; nothing is created until ``makeCycleLog(at:)``.
    public init(url: URL, linksLatest: Bool = true, faults: FaultInjection = FaultInjection()) {
        self.url = url
        self.linksLatest = linksLatest
        self.faults = faults
    }

    /// `build-YYYYMMDD-HHMMSS` for `date` in UTC.
    public static func baseName(for date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "build-\(c.year ?? 0)\(two(c.month))\(two(c.day))-\(two(c.hour))\(two(c.minute))\(two(c.second))"
    }

    /// Creates the log of a cycle started at `date` and points `build.log` at it (unless ``linksLatest`` is off).
    ///
    /// When a log of the same second exists, the name gets `-2`, `-3`, … (created with `O_EXCL`, so two processes
    /// never share a file). `build.log` is replaced atomically: a new symlink is renamed over the old one.
    /// - Throws: ``BuildError/Code/logWriteFailed``.
    public func makeCycleLog(at date: Date = Date()) throws(BuildError) -> BuildLogFile {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw BuildError(.logWriteFailed, "cannot create log directory \(url.path): \(error.localizedDescription)")
        }
        let base = Self.baseName(for: date)
        var attempt = 1
        while true {
            let name = attempt == 1 ? "\(base).log" : "\(base)-\(attempt).log"
            do {
                let file = try BuildLogFile(url: url.appendingPathComponent(name), exclusive: true)
                if linksLatest { try pointLatest(at: name) }
                return file
            } catch  where error.errno == EEXIST && attempt < 1000 {
                attempt += 1
            }
        }
    }

    /// The latest cycle log: where `build.log` points, else (when `build.log` is not a symlink) the newest
    /// `build-*.log`; nil when there is none.
    public var latest: URL? {
        let link = url.appendingPathComponent(Self.latestName)
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link.path) {
            return url.appendingPathComponent(target)
        }
        return entries().last?.url
    }

    private func pointLatest(at name: String) throws(BuildError) {
        let temporary = url.appendingPathComponent(
            ".\(Self.latestName).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        )
        guard symlink(name, temporary.path) == 0 else {
            throw BuildError(.logWriteFailed, "cannot create symlink \(temporary.path)", errno: errno)
        }
        guard rename(temporary.path, url.appendingPathComponent(Self.latestName).path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw BuildError(.logWriteFailed, "cannot replace \(Self.latestName) in \(url.path)", errno: code)
        }
    }

    /// A cycle log found in the folder.
    public struct Entry: Sendable, Hashable {
        /// The log file.
        public var url: URL
        /// When its cycle started (from its name).
        public var date: Date
        /// The collision suffix (1 when none).
        public var sequence: Int
        /// The log's size plus its reports'.
        public var bytes: Int64
        /// Reports written beside it (`BASE.*.json`).
        public var reports: [URL]
    }

    /// The cycle logs, oldest first.
    public func entries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        var logs: [Entry] = []
        for name in names where name.hasPrefix("build-") && name.hasSuffix(".log") {
            guard let (date, sequence) = Self.parse(name: String(name.dropLast(4))) else { continue }
            let base = String(name.dropLast(4))
            let reports = names.filter { $0.hasPrefix(base + ".") && $0.hasSuffix(".json") }
                .map { url.appendingPathComponent($0) }
            let logURL = url.appendingPathComponent(name)
            let bytes = ([logURL] + reports).reduce(Int64(0)) { total, file in
                total + ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? 0)
            }
            logs.append(Entry(url: logURL, date: date, sequence: sequence, bytes: bytes, reports: reports))
        }
        return logs.sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }
    }

    /// Removes cycle logs (and their reports) beyond `policy`, never the newest.
    ///
    /// - Returns: the files removed.
    @discardableResult
    public func prune(_ policy: LogRetentionPolicy, now: Date = Date()) -> [URL] {
        var kept = entries()
        guard kept.count > 1 else { return [] }
        var removed: [URL] = []
        func remove(_ entry: Entry) {
            for file in [entry.url] + entry.reports where (try? FileManager.default.removeItem(at: file)) != nil {
                removed.append(file)
            }
            faults.reach(.logRotating)
        }
        if let age = policy.maximumAge {
            while kept.count > 1, now.timeIntervalSince(kept[0].date) > age { remove(kept.removeFirst()) }
        }
        if let count = policy.maximumCount {
            while kept.count > max(count, 1) { remove(kept.removeFirst()) }
        }
        if let limit = policy.maximumTotalBytes {
            var total = kept.reduce(Int64(0)) { $0 + $1.bytes }
            while kept.count > 1, total > limit {
                let entry = kept.removeFirst()
                total -= entry.bytes
                remove(entry)
            }
        }
        return removed
    }

    /// Parses `build-YYYYMMDD-HHMMSS[-N]` into its date and sequence number.
    static func parse(name: String) -> (Date, Int)? {
        let parts = name.split(separator: "-")
        guard parts.count == 3 || parts.count == 4, parts[0] == "build",
            parts[1].count == 8, parts[2].count == 6,
            let day = Int(parts[1]), let time = Int(parts[2])
        else { return nil }
        let sequence = parts.count == 4 ? Int(parts[3]) : 1
        guard let sequence else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        components.year = day / 10000
        components.month = day / 100 % 100
        components.day = day % 100
        components.hour = time / 10000
        components.minute = time / 100 % 100
        components.second = time % 100
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { return nil }
        return (date, sequence)
    }
}
