import Synchronization

/// Forwards a step's lines to the log and feeds them to a ``BuildOutputParser`` on the way.
final class ParsingSink<Base: StepOutputSink>: StepOutputSink {
    private let base: Base
    private let parser = Mutex(BuildOutputParser())

    init(_ base: Base) {
        self.base = base
    }

    func beginStep(repository: String, step: BuildStep.Name, command: [String]) throws(BuildError) {
        try base.beginStep(repository: repository, step: step, command: command)
    }

    func append(lines: [String]) throws(BuildError) {
        parser.withLock { parser in
            for line in lines { parser.consume(line: line) }
        }
        try base.append(lines: lines)
    }

    /// The facts seen so far.
    func report() -> BuildReport {
        parser.withLock { $0.finish() }
    }
}
