import DeployBuild
import Synchronization

/// Collects lines in memory, for tests that look at what a step printed (small outputs only).
final class MemorySink: StepOutputSink {
    private let storage = Mutex<[String]>([])

    func beginStep(repository: String, step: BuildStep.Name, command: [String]) throws(BuildError) {
        storage.withLock { $0.append("== repo \(repository): step \(step) ==") }
    }

    func append(lines: [String]) throws(BuildError) {
        storage.withLock { $0.append(contentsOf: lines) }
    }

    var lines: [String] { storage.withLock { $0 } }
}
