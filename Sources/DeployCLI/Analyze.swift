import ArgumentParser
import DeployBuild
import DeployCore
import Foundation
import SystemPackage

extension Deployctl {
    struct Analyze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a swift build/test log into diagnostics and test results.",
            discussion: """
                Reads any log (captured from a pipe or a terminal; ANSI colours, CR redraws and CRLF are handled), \
                streaming with bounded memory, and prints each distinct diagnostic once with its notes and count, \
                and the test results (XCTest and Swift Testing). Use - for standard input. --json prints the \
                documented JSON shape (docs/build.md).
                """
        )

        @Argument(help: "The log file, or - for standard input.")
        var logFile: String

        @Flag(help: "Print the report as JSON.")
        var json = false

        func run() async throws {
            let report: BuildReport
            do {
                if logFile == "-" {
                    report = try BuildLogAnalyzer.analyze(descriptor: .standardInput, name: "standard input")
                } else {
                    guard FileManager.default.fileExists(atPath: logFile) else {
                        throw CommandFailure(message: "analyze: no such file '\(logFile)'", exitStatus: ExitStatus.usage)
                    }
                    report = try BuildLogAnalyzer.analyze(fileAt: logFile)
                }
            } catch let error as BuildError {
                throw CommandFailure(message: "analyze: \(error)", exitStatus: ExitStatus.usage)
            }
            if json {
                print(try JSONOutput.encode(report))
            } else {
                print(report.markdownSummary(maximumItems: 50), terminator: "")
            }
        }
    }
}
