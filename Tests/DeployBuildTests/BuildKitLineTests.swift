import DeployBuild
import Testing

/// The shapes of Docker BuildKit's framing: step prefixes taken off, frame lines recognised, look-alikes left alone.
@Suite struct BuildKitLineTests {
    @Test func buildKitStepOutputIsUnwrapped() throws {
        let diagnostic = try #require(
            BuildOutputParser.classify(
                line: "#34 6.797 /src/Sources/App/HTTPKernel.swift:12:5: error: cannot find 'router' in scope"
            ) as? CompilerDiagnosticLine
        )
        #expect(diagnostic.file == "/src/Sources/App/HTTPKernel.swift", "the path as printed inside the container")
        #expect(diagnostic.line == 12 && diagnostic.column == 5)
        #expect(diagnostic.message == "cannot find 'router' in scope")
        let progress = try #require(
            BuildOutputParser.classify(line: "#12 12.34 [3/5] Compiling App HTTPKernel.swift") as? ProgressLine
        )
        #expect(progress.done == 3 && progress.total == 5)
        let excerpt = try #require(
            BuildOutputParser.classify(line: "#12 123.4    |                |- note: use optional chaining")
                as? SourceExcerptLine
        )
        #expect(excerpt.marker == .note)
    }

    @Test func buildKitLogLinePrefix() throws {
        let stepped = try #require(withLine("#12 1.451 Building for production...", BuildKitLogLine.parse))
        #expect(stepped.step == 12 && stepped.textStart == 10)
        let empty = try #require(withLine("#12 1.451 ", BuildKitLogLine.parse))
        #expect(empty.textStart == 10)
        let trimmed = try #require(withLine("#12 1.451", BuildKitLogLine.parse))
        #expect(trimmed.textStart == 9)
        let summary = try #require(
            withLine("1.451 /src/Sources/App/HTTPKernel.swift:15:42: error: x", BuildKitLogLine.parseSummary)
        )
        #expect(summary.step == nil && summary.textStart == 6)
        #expect(withLine("1.451 text", BuildKitLogLine.parse) == nil, "the bare form only counts in a summary")
    }

    @Test func notBuildKit() {
        let lines = ["#1 test passed", "#12 6 items", "#12 6. items", "#0 0x00005562af93f0b9 in f() at /src/a.swift:3"]
        for line in lines {
            #expect(withLine(line, BuildKitLogLine.parse) == nil, "\(line)")
        }
        #expect(BuildOutputParser.classify(line: "#1 test passed") == nil)
        let kept =
            BuildOutputParser.classify(line: "#3 /src/a.swift:1:2: error: not from BuildKit") as? CompilerDiagnosticLine
        #expect(kept?.file == "#3 /src/a.swift", "a line without BuildKit's seconds is left as printed")
    }

    @Test func buildKitFrameLines() throws {
        let events = [
            "#0 building with \"default\" instance using docker driver",
            "#12 [build 6/6] RUN swift build -c release --static-swift-stdlib",
            "#12 DONE 0.4s",
            "#8 CACHED",
            #"#12 ERROR: process "/bin/sh -c swift build" did not complete successfully: exit code: 1"#,
            "#12 CANCELED",
            "#12 ...",
        ]
        for line in events {
            let frame = try #require(BuildOutputParser.classify(line: line) as? BuildKitFrameLine, "\(line)")
            guard case .step = frame.kind else {
                Issue.record("\(line) is \(frame.kind)")
                continue
            }
        }
        #expect((BuildOutputParser.classify(line: "------") as? BuildKitFrameLine)?.kind == .rule)
        #expect(withLine("--------------------", BuildKitFrameLine.parse) == nil, "the Dockerfile excerpt's rule")
        #expect(
            withLine(" > [build 6/6] RUN swift build -c release:", BuildKitFrameLine.parse)?.kind == .summaryHeader
        )
        #expect(withLine("#1 transferring dockerfile: 339B done", BuildKitFrameLine.parse) == nil)
    }
}
