/// Where a running step's output goes, line by line. ``BuildLogFile`` is the real one.
///
/// Implementations must accept calls from several tasks at once (stdout and stderr are drained concurrently, and
/// several steps may share one cycle log) and keep each call's lines together.
public protocol StepOutputSink: Sendable {
    /// Marks the start of a step so that one log can hold several steps and repositories.
    func beginStep(repository: String, step: BuildStep.Name, command: [String]) throws(BuildError)
    /// Appends complete lines (each without its line break); one call's lines are written together.
    func append(lines: [String]) throws(BuildError)
}
