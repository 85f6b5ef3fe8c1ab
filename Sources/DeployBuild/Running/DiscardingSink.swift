/// A sink that drops every line: for probes (is there a Docker engine, can the sandbox start) and benchmarks, whose
/// outcome keeps the last lines itself.
public struct DiscardingSink: StepOutputSink {
    public init() {}
    public func beginStep(repository: String, step: BuildStep.Name, command: [String]) throws(BuildError) {}
    public func append(lines: [String]) throws(BuildError) {}
}
