import Subprocess
import Synchronization

/// Turns a step's output chunks into redacted lines for the log, the live callback and the tail kept in the outcome.
///
/// Shared by the two drains (stdout and stderr); each drain keeps its own partial line.
final class OutputCapture<Sink: StepOutputSink>: Sendable {
    private struct State {
        var tail: [String] = []
        var bytes = 0
        var writeError: BuildError?
    }

    private let sink: Sink
    private let redactor: SecretRedactor
    private let live: (@Sendable (String) -> Void)?
    private let tailLineCount: Int
    private let state = Mutex(State())

    init(sink: Sink, redactor: SecretRedactor, live: (@Sendable (String) -> Void)?, tailLineCount: Int) {
        self.sink = sink
        self.redactor = redactor
        self.live = live
        self.tailLineCount = tailLineCount
    }

    /// Reads `sequence` to its end, writing each chunk's complete lines at once.
    func drain(_ sequence: SubprocessOutputSequence) async throws {
        var splitter = LineSplitter()
        for try await buffer in sequence {
            var lines: [String] = []
            buffer.withUnsafeBytes { bytes in
                splitter.feed(bytes) { lines.append(String(decoding: $0, as: UTF8.self)) }
            }
            deliver(lines)
        }
        var last: [String] = []
        splitter.finish { last.append(String(decoding: $0, as: UTF8.self)) }
        deliver(last)
    }

    private func deliver(_ raw: [String]) {
        guard !raw.isEmpty else { return }
        // Always: token shapes are redacted even when no secret is configured.
        let lines = raw.map(redactor.redact)
        var error: BuildError?
        do {
            try sink.append(lines: lines)
        } catch let failure {
            error = failure
        }
        if let live {
            for line in lines { live(line) }
        }
        let keep = tailLineCount
        state.withLock { state in
            state.bytes += lines.reduce(0) { $0 + $1.utf8.count + 1 }
            state.tail.append(contentsOf: lines.suffix(keep))
            if state.tail.count > keep * 2 { state.tail.removeFirst(state.tail.count - keep) }
            if state.writeError == nil { state.writeError = error }
        }
    }

    func tail() -> [String] { state.withLock { Array($0.tail.suffix(tailLineCount)) } }
    func byteCount() -> Int { state.withLock { $0.bytes } }
    /// The first failure to write to the sink, if any.
    func writeError() -> BuildError? { state.withLock { $0.writeError } }
}
