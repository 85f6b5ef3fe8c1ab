import DeployBuild
import Foundation

/// Real logs captured from swift 6.3.1 on Linux (piped, and under a pseudo-terminal with `script -qec`).
enum Fixture {
    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    static func report(_ name: String) throws -> BuildReport {
        try BuildLogAnalyzer.analyze(fileAt: url(name).path)
    }
}

/// Runs a line shape's `parse` on a literal line.
func withLine<T>(_ text: String, _ body: (LineBytes) -> T) -> T {
    var text = text
    return text.withUTF8 { body(LineBytes(UnsafeRawBufferPointer($0))) }
}
