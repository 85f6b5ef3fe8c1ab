import Foundation

/// The fix ledger's figures, for one repository or the whole root: how many red builds got a fix attempt (a
/// proposal or agent feedback) and how many of them a fix turned green, how many applied fixes were later rolled
/// back or reverted, the median time from red to green, and the tokens and cost spent.
public struct FixSummary: Sendable, Codable, Hashable {
    /// Distinct red commits that got at least one fix attempt.
    public var redBuilds: Int
    /// Of those, the ones an applied fix turned green.
    public var fixedRedBuilds: Int
    /// `fixedRedBuilds / redBuilds`; nil when no red build got a fix.
    public var fixRate: Double?
    /// Fixes applied (for a red build or not).
    public var applied: Int
    /// Applied fixes later rolled back or reverted.
    public var reverted: Int
    /// `reverted / applied`; nil when nothing was applied.
    public var revertRate: Double?
    /// The median of the applied fixes' seconds from red to green; nil when none.
    public var medianSecondsToGreen: Double?
    /// Fix attempts recorded (every source).
    public var attempts: Int
    public var promptTokens: Int
    public var completionTokens: Int
    /// In the currency of `DISPATCHER_MODEL_PRICE_*`.
    public var cost: Double

    /// The figures of `records`.
    public init(_ records: [FixRecord]) {
        let targeted = records.filter { $0.redCommit != nil }
        let redCommits = Set(targeted.map { "\($0.repository)@\($0.redCommit!)" })
        let fixed = Set(targeted.filter { $0.outcome == .applied }.map { "\($0.repository)@\($0.redCommit!)" })
        let applied = records.filter { $0.outcome == .applied }
        redBuilds = redCommits.count
        fixedRedBuilds = fixed.count
        fixRate = redCommits.isEmpty ? nil : Double(fixed.count) / Double(redCommits.count)
        self.applied = applied.count
        reverted = applied.count { $0.reverted != nil }
        revertRate = applied.isEmpty ? nil : Double(reverted) / Double(applied.count)
        medianSecondsToGreen = Self.median(applied.compactMap(\.secondsToGreen))
        attempts = records.count
        promptTokens = records.reduce(0) { $0 + $1.promptTokens }
        completionTokens = records.reduce(0) { $0 + $1.completionTokens }
        cost = records.reduce(0) { $0 + $1.cost }
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// One line for `status`: `fixes: 3 of 4 red builds fixed (75%), 1 of 5 applied reverted, median 2m10s to
    /// green, 12,345 tokens, cost 0.12`.
    public var line: String {
        var parts: [String] = []
        if redBuilds > 0 {
            parts.append("\(fixedRedBuilds) of \(redBuilds) red builds fixed (\(Int((fixRate ?? 0) * 100))%)")
        } else {
            parts.append("no red build got a fix yet")
        }
        parts.append("\(reverted) of \(applied) applied reverted")
        if let median = medianSecondsToGreen { parts.append("median \(Self.duration(median)) to green") }
        parts.append("\(promptTokens + completionTokens) tokens")
        if cost > 0 { parts.append("cost \(String(format: "%.4f", cost))") }
        return "fixes: " + parts.joined(separator: ", ")
    }

    private static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3600)h\(String(format: "%02d", whole % 3600 / 60))m"
    }
}

/// The ledger's figures for the root, for each repository and for each source: `status --json`'s `fixes`.
public struct FixLedgerReport: Sendable, Codable, Hashable {
    public var total: FixSummary
    /// By repository name.
    public var repositories: [String: FixSummary]
    /// By where the fixes came from (`file`, `http`, `mcp`, `proposal`): an agent's fix rate beside the model's.
    public var sources: [String: FixSummary]

    public init(_ records: [FixRecord]) {
        total = FixSummary(records)
        repositories = Dictionary(grouping: records, by: \.repository).mapValues(FixSummary.init)
        sources = Dictionary(grouping: records, by: \.source.rawValue).mapValues(FixSummary.init)
    }
}
