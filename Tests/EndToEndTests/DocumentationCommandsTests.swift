import DeployTestSupport
import Foundation
import Testing

/// Runs every runnable shell block of the handbook (`docs/*.md`) and of `README.md` against a scratch deploy root, so
/// the commands the docs show keep working. The convention is described in `docs/README.md`:
///
/// - a block opened with ```` ```sh {.run} ```` runs and must exit 0; ```` ```sh {.run exit=N} ```` must exit `N`;
/// - a ```` ```text {.output} ```` block right after a runnable block lists lines the block must print (standard output
///   and standard error together; runs of spaces count as one); `…` in such a line matches any text;
/// - the blocks of one page run in order, each in a fresh `bash -e -o pipefail`, in one scratch deploy root per page
///   (`DEPLOY_ROOT`, also the working directory), with the built `deployctl` first on `PATH`;
/// - on the handbook's own pages a shell block must be either runnable or marked ```` ```sh {.example} ````.
@Suite struct DocumentationCommandsTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Pages whose shell blocks must all be marked (`{.run}` or `{.example}`); other pages may carry plain blocks.
    static let markedPages: Set<String> = [
        "docs/README.md", "docs/introduction.md", "docs/quick-start.md", "docs/configuration-and-tokens.md",
        "docs/running.md", "docs/status.md", "docs/logs-and-analyze.md", "docs/troubleshooting.md",
        "docs/architecture.md", "docs/manifest.md", "docs/migrating-from-codex-deployer.md", "docs/github-walkthrough.md",
    ]

    /// One fenced block of a page.
    struct Block: Sendable, CustomStringConvertible {
        let page: String
        let line: Int
        let language: String
        let attributes: [String]
        let text: String
        /// The `{.output}` block that follows, if any.
        var expectedOutput: [String] = []

        var isRunnable: Bool { attributes.contains(".run") }
        var expectedStatus: Int32 {
            attributes.lazy.compactMap { $0.hasPrefix("exit=") ? Int32($0.dropFirst(5)) : nil }.first ?? 0
        }
        var description: String { "\(page):\(line)" }
    }

    /// Every `docs/*.md` page and `README.md`, relative to the package root.
    static var pages: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("docs").path)) ?? []
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
    }

    /// The fenced blocks of a page, with `{.output}` blocks attached to the block before them.
    static func blocks(of page: String) throws -> [Block] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent(page), encoding: .utf8)
        var blocks: [Block] = []
        var open: (line: Int, language: String, attributes: [String], body: [String])?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var current = open {
                if trimmed == "```" {
                    let block = Block(
                        page: page, line: current.line, language: current.language, attributes: current.attributes,
                        text: current.body.joined(separator: "\n"))
                    if block.attributes.contains(".output"), let last = blocks.indices.last, blocks[last].isRunnable {
                        blocks[last].expectedOutput = current.body.map { $0.trimmingCharacters(in: .whitespaces) }
                            .filter { !$0.isEmpty }
                    } else {
                        blocks.append(block)
                    }
                    open = nil
                } else {
                    // Blocks inside list items are indented; drop the indentation of the opening fence.
                    current.body.append(String(line))
                    open = current
                }
            } else if trimmed.hasPrefix("```") {
                let info = trimmed.dropFirst(3)
                let language = String(info.prefix { $0 != " " && $0 != "{" })
                var attributes: [String] = []
                if let brace = info.firstIndex(of: "{"), let close = info.lastIndex(of: "}"), brace < close {
                    attributes = info[info.index(after: brace)..<close].split(separator: " ").map(String.init)
                }
                open = (index + 1, language, attributes, [])
            }
        }
        return blocks
    }

    /// Trims a line and turns each run of spaces into one, so that table columns sized to a path still match.
    static func collapsingSpaces(_ line: String) -> String {
        line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static let shellLanguages: Set<String> = ["sh", "bash", "shell", "console", "zsh"]

    @Test func everyShellBlockOnTheHandbookPagesIsMarkedRunnableOrExample() throws {
        for page in Self.pages where Self.markedPages.contains(page) {
            for block in try Self.blocks(of: page) where Self.shellLanguages.contains(block.language) {
                #expect(
                    block.isRunnable || block.attributes.contains(".example"),
                    "\(block): a shell block must be marked {.run} (tested) or {.example} (not run)")
            }
        }
    }

    @Test func theHandbookHasRunnableBlocks() throws {
        let runnable = try Self.pages.flatMap { try Self.blocks(of: $0) }.filter(\.isRunnable)
        #expect(runnable.count >= 10, "found \(runnable.count) runnable blocks")
    }

    @Test(arguments: pages)
    func runnableBlocksOfPageSucceed(page: String) throws {
        let blocks = try Self.blocks(of: page).filter(\.isRunnable)
        guard !blocks.isEmpty else { return }
        let scratch = try ScratchDirectory(prefix: "docs")
        defer { scratch.remove() }
        let root = scratch.appending("root")
        let home = scratch.appending("home")
        for folder in [root, home] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let binDirectory = Deployctl.executable.deletingLastPathComponent().path
        var environment = Shell.isolatedGitEnvironment
        environment["PATH"] = binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        environment["HOME"] = home.path
        environment["DEPLOY_ROOT"] = root.path
        environment["NO_COLOR"] = "1"
        environment["TMPDIR"] = scratch.path
        for block in blocks {
            let arguments = ["env", "-i"] + environment.map { "\($0)=\($1)" }.sorted()
                + ["bash", "-e", "-o", "pipefail", "-c", block.text]
            let result = try Shell.run(arguments, in: root)
            let output = result.stdout + result.stderr
            #expect(
                result.status == block.expectedStatus,
                "\(block) exited \(result.status), expected \(block.expectedStatus)\n--- block\n\(block.text)\n--- output\n\(output)")
            let lines = output.split(separator: "\n").map { Self.collapsingSpaces(String($0)) }
            for expected in block.expectedOutput {
                let pattern = try Regex(Self.collapsingSpaces(expected).split(separator: "…", omittingEmptySubsequences: false)
                    .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: ".*"))
                #expect(
                    lines.contains { $0.wholeMatch(of: pattern) != nil },
                    "\(block): no output line matches '\(expected)'\n--- output\n\(output)")
            }
            if result.status != block.expectedStatus { break }
        }
    }
}
