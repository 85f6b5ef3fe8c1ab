/// SwiftPM's build progress: `[N/M] TEXT` (e.g. `[4/4] Compiling Broken Model.swift`).
///
/// Captures: `done`, `total`.
public struct ProgressLine: OutputLine, Hashable {
    public var done: Int
    public var total: Int

    public static func parse(_ line: LineBytes) -> ProgressLine? {
        guard line.count > 4, line[0] == UInt8(ascii: "[") else { return nil }
        let slash = line.digitsEnd(from: 1)
        guard slash < line.count, line[slash] == UInt8(ascii: "/"), let done = line.integer(1, slash) else {
            return nil
        }
        let close = line.digitsEnd(from: slash + 1)
        guard close < line.count, line[close] == UInt8(ascii: "]"), let total = line.integer(slash + 1, close) else {
            return nil
        }
        return ProgressLine(done: done, total: total)
    }
}

/// The footnote the compiler prints for each diagnostic group it used: `[#GROUP]: <URL>`.
///
/// Captures: `group`.
public struct DiagnosticFootnoteLine: OutputLine, Hashable {
    public var group: String

    public static func parse(_ line: LineBytes) -> DiagnosticFootnoteLine? {
        guard line.has("[#"), let end = line.range(of: "]: ") else { return nil }
        return DiagnosticFootnoteLine(group: line.string(2, end))
    }
}

/// The header ``BuildLogFile`` writes before each step: `== repo NAME: step STEP == COMMAND`.
///
/// Captures: `repository`, `step`.
public struct StepHeaderLine: OutputLine, Hashable {
    public var repository: String
    public var step: String

    public static func parse(_ line: LineBytes) -> StepHeaderLine? {
        guard line.has("== repo "), let stepMarker = line.range(of: ": step "),
            let end = line.range(of: " ==", from: stepMarker + 7)
        else { return nil }
        return StepHeaderLine(repository: line.string(8, stepMarker), step: line.string(stepMarker + 7, end))
    }
}

/// SwiftPM's build phase lines: `Building for debugging...`, `Building for production...`, `Build complete! (…)`,
/// `Build of target: 'X' complete! (…)`. Seeing one means no test run is printing any more.
///
/// Captures: `complete`.
public struct BuildPhaseLine: OutputLine, Hashable {
    public var complete: Bool

    public static func parse(_ line: LineBytes) -> BuildPhaseLine? {
        if line.has("Building for ") { return BuildPhaseLine(complete: false) }
        if line.has("Build complete!") { return BuildPhaseLine(complete: true) }
        if line.has("Build of "), line.range(of: " complete!") != nil { return BuildPhaseLine(complete: true) }
        return nil
    }
}
