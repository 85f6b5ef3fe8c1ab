/// SwiftPM's report that the test process died: `error: Process 'PATH' exited with unexpected signal code N`,
/// found anywhere in a line because SwiftPM's stderr is often spliced into the middle of the backtrace on stdout.
///
/// Captures: `signal`.
public struct UnexpectedSignalLine: OutputLine, Hashable {
    public var signal: Int32

    public static func parse(_ line: LineBytes) -> UnexpectedSignalLine? {
        // "Process '" is rare, so it is looked for first.
        guard let process = line.range(of: "Process '"), process >= 7, line.has("error: ", at: process - 7),
            let phrase = line.range(of: "exited with unexpected signal code ", from: process)
        else { return nil }
        let start = phrase + 35
        let end = line.digitsEnd(from: start)
        guard let value = line.integer(start, end) else { return nil }
        return UnexpectedSignalLine(signal: Int32(value))
    }
}
