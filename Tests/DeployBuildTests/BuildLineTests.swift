import DeployBuild
import Testing

/// One test per shape of a build line (compiler diagnostics, source excerpts, progress, linker and tool errors,
/// step headers), with literal lines taken from real swift 6.3.1 output.
@Suite struct BuildLineTests {
    @Test func compilerDiagnostic() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line:
                    #"/tmp/fx/cerr/Sources/Broken/Use.swift:3:30: error: cannot convert value of type 'String' to expected argument type 'Int'"#
            ) as? CompilerDiagnosticLine
        )
        #expect(line.file == "/tmp/fx/cerr/Sources/Broken/Use.swift")
        #expect(line.line == 3)
        #expect(line.column == 30)
        #expect(line.severity == .error)
        #expect(line.message == "cannot convert value of type 'String' to expected argument type 'Int'")
        #expect(line.category == nil)
    }

    @Test func compilerWarningWithCategory() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line:
                    #"/tmp/fx/notes/Sources/Lib/Use.swift:3:18: warning: 'oldDescribe' is deprecated: use describe(_:label:) [#DeprecatedDeclaration]"#
            ) as? CompilerDiagnosticLine
        )
        #expect(line.severity == .warning)
        #expect(line.message == "'oldDescribe' is deprecated: use describe(_:label:)")
        #expect(line.category == "DeprecatedDeclaration")
    }

    @Test func terminalCaptureWithRedrawColoursAndHyperlink() throws {
        let raw =
            "\u{1B}[2K\r[2/3] Compiling Lib Use.swift\u{1B}[2K\r/tmp/fx/notes/Sources/Lib/Use.swift:3:18: \u{1B}[1;33mwarning: \u{1B}[1;39m'oldDescribe' is deprecated: use describe(_:label:)\u{1B}[0;0m [#\u{1B}]8;;https://docs.swift.org/compiler/documentation/diagnostics/deprecated-declaration\u{1B}\\DeprecatedDeclaration\u{1B}]8;;\u{1B}\\]\r"
        let line = try #require(BuildOutputParser.classify(line: raw) as? CompilerDiagnosticLine)
        #expect(line.file == "/tmp/fx/notes/Sources/Lib/Use.swift")
        #expect(line.message == "'oldDescribe' is deprecated: use describe(_:label:)")
        #expect(line.category == "DeprecatedDeclaration")
    }

    @Test func sourceExcerptNoteAndRepeat() throws {
        let note = try #require(
            BuildOutputParser.classify(line: #"   |     `- note: add missing case: '.b'"#) as? SourceExcerptLine
        )
        #expect(note.marker == .note)
        #expect(note.message == "add missing case: '.b'")
        let nested = try #require(
            BuildOutputParser.classify(line: #"   |     |- error: switch must be exhaustive"#) as? SourceExcerptLine
        )
        #expect(nested.marker == .error)
        let code = try #require(BuildOutputParser.classify(line: #"11 |     switch kind {"#) as? SourceExcerptLine)
        #expect(code.marker == nil)
        let codeWithColon = try #require(
            BuildOutputParser.classify(line: #" 6 | func describe(_ model: Model, label: String) -> String {"#)
                as? SourceExcerptLine
        )
        #expect(codeWithColon.marker == nil)
    }

    @Test func progressAndFootnote() throws {
        let progress = try #require(
            BuildOutputParser.classify(line: "[4/15] Compiling Calc Calc.swift") as? ProgressLine
        )
        #expect(progress.done == 4 && progress.total == 15)
        let footnote = try #require(
            BuildOutputParser.classify(
                line:
                    "[#DeprecatedDeclaration]: <https://docs.swift.org/compiler/documentation/diagnostics/deprecated-declaration>"
            ) as? DiagnosticFootnoteLine
        )
        #expect(footnote.group == "DeprecatedDeclaration")
    }

    @Test func buildPhase() throws {
        let building = try #require(BuildOutputParser.classify(line: "Building for debugging...") as? BuildPhaseLine)
        #expect(!building.complete)
        let done = try #require(BuildOutputParser.classify(line: "Build complete! (19.09s)") as? BuildPhaseLine)
        #expect(done.complete)
        let target = try #require(
            BuildOutputParser.classify(line: "Build of target: 'DeployBuild' complete! (1.52s)") as? BuildPhaseLine
        )
        #expect(target.complete)
    }

    @Test func linkerLocatedError() throws {
        let line = try #require(
            BuildOutputParser.classify(
                line: #"/tmp/fx/link/Sources/Tool/main.swift:4: error: undefined reference to 'deploy_missing_symbol'"#
            ) as? LocatedErrorLine
        )
        #expect(line.file == "/tmp/fx/link/Sources/Tool/main.swift")
        #expect(line.line == 4)
        #expect(line.message == "undefined reference to 'deploy_missing_symbol'")
    }

    @Test func toolErrors() throws {
        let swiftpm = try #require(
            BuildOutputParser.classify(line: "error: link command failed with exit code 1 (use -v to see invocation)")
                as? ToolErrorLine
        )
        #expect(swiftpm.tool == nil)
        #expect(swiftpm.message == "link command failed with exit code 1 (use -v to see invocation)")
        let clang = try #require(
            BuildOutputParser.classify(
                line: "clang: error: linker command failed with exit code 1 (use -v to see invocation)"
            ) as? ToolErrorLine
        )
        #expect(clang.tool == "clang")
    }

    @Test func stepHeader() throws {
        let header = try #require(
            BuildOutputParser.classify(line: "== repo api: step test == swift test --jobs 2") as? StepHeaderLine
        )
        #expect(header.repository == "api" && header.step == "test")
    }

    @Test func unrelatedLinesAreUnrecognised() {
        #expect(BuildOutputParser.classify(line: "Platform: x86_64 Linux (Debian GNU/Linux 12 (bookworm))") == nil)
    }
}
