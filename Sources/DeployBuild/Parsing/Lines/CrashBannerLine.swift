/// The Swift backtracer's banners: `*** Signal N: Backtracing from 0x… ***` and
/// `*** Program crashed: DESCRIPTION at 0x… ***`; the backtrace that follows ends with `Backtrace took …`.
///
/// Captures: `signal` (first banner) or `description` (second).
public struct CrashBannerLine: OutputLine, Hashable {
    public var signal: Int32?
    public var description: String?

    public static func parse(_ line: LineBytes) -> CrashBannerLine? {
        guard line.has("*** ") else { return nil }
        if line.has("*** Signal ") {
            let end = line.digitsEnd(from: 11)
            guard let value = line.integer(11, end) else { return nil }
            return CrashBannerLine(signal: Int32(value), description: nil)
        }
        if line.has("*** Program crashed: ") {
            var end = line.count
            if let at = line.lastRange(of: " at 0x"), at > 21 { end = at }
            return CrashBannerLine(signal: nil, description: line.string(21, end))
        }
        return nil
    }
}
