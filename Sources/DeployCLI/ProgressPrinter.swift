import DeployBuild
import DeployCore
import Foundation

/// Shows a cycle's progress on standard error: in a terminal one live line (repository, step, elapsed time, last
/// output line) redrawn in place; elsewhere (CI logs, files) plain lines without cursor tricks.
final class ProgressPrinter: @unchecked Sendable {
    private let style: TerminalStyle
    private let lock = NSLock()
    private var current: (repository: String, started: Date)?
    private var lastDraw = Date.distantPast
    private var liveLineShown = false

    init(style: TerminalStyle) {
        self.style = style
    }

    func handle(_ event: CycleEvent) {
        lock.withLock {
            switch event {
            case .updated(let repository, let summary, let succeeded):
                line("\(repository): \(succeeded ? summary : style.paint(summary, .red))")
            case .skipped(let repository, let reason):
                line("\(repository): \(style.paint(reason, .dim))")
            case .buildStarted(let repository):
                current = (repository, Date())
                line("\(repository): building")
            case .output(let repository, let text):
                guard style.isTerminal, let current, current.repository == repository else { return }
                let now = Date()
                guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
                lastDraw = now
                let elapsed = Int(now.timeIntervalSince(current.started))
                let clean = text.filter { $0 != "\u{1B}" && $0 != "\r" }
                let status = "\(repository) \(elapsed)s │ \(clean.prefix(100))"
                StandardError.write("\r\u{1B}[2K\(status)")
                liveLineShown = true
            case .buildFinished(let repository, let result):
                current = nil
                let seconds = String(format: "%.1fs", Double(result.duration.components.seconds)
                    + Double(result.duration.components.attoseconds) / 1e18)
                let text = result.isGreen ? style.paint("passed", .green)
                    : style.paint(result.recordedResult.rawValue, .red)
                line("\(repository): \(text) in \(seconds) (\(result.report.errorCount) errors, \(result.report.tests.passed) tests passed, \(result.report.tests.failed) failed)")
            case .feedback(let file, let outcome, let detail):
                line("feedback \(file): \(outcome.rawValue)\(detail.isEmpty ? "" : ": \(detail)")")
            }
        }
    }

    func finish() {
        lock.withLock { clearLiveLine() }
    }

    private func line(_ text: String) {
        clearLiveLine()
        StandardError.write(text + "\n")
    }

    private func clearLiveLine() {
        if liveLineShown {
            StandardError.write("\r\u{1B}[2K")
            liveLineShown = false
        }
    }
}
