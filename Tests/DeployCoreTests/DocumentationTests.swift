@testable import DeployCore
import DeployFeedback
import Foundation
import Testing

/// The handbook's pages are checked against the code so they cannot drift.
@Suite struct DocumentationTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func environmentVariablesPageListsExactlyTheVariablesTheCodeReads() throws {
        let page = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("docs/environment-variables.md"), encoding: .utf8)
        let documented = page.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
        let inCode = ConfigurationVariable.all.map(\.name)
        #expect(Set(documented) == Set(inCode), "documented but not read: \(Set(documented).subtracting(inCode)); read but not documented: \(Set(inCode).subtracting(documented))")
        #expect(documented.count == Set(documented).count, "a variable is documented twice")
        for variable in ConfigurationVariable.all {
            let row = page.split(separator: "\n").first { $0.hasPrefix("| `\(variable.name)`") } ?? ""
            #expect(row.contains(variable.isSecret ? "(secret)" : "|"), "\(variable.name) must be marked secret")
        }
    }

    /// The page's table is the one the code declares: each row is, word for word, the name, the default (derived from
    /// the typed default where it is one value) and the meaning of one entry of `ConfigurationTable`.
    @Test func everyRowOfTheEnvironmentVariablesPageIsTheDeclaredRow() throws {
        let page = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("docs/environment-variables.md"), encoding: .utf8)
        let rows = page.split(separator: "\n").filter { $0.hasPrefix("| `") }.map(String.init)
        for variable in ConfigurationVariable.all {
            let row = rows.first { $0.hasPrefix("| `\(variable.name)` |") }
            #expect(
                row == variable.documentationRow,
                "docs/environment-variables.md's row for \(variable.name) must be:\n\(variable.documentationRow)")
        }
        #expect(rows.count == ConfigurationVariable.all.count)
    }

    /// The page's default column, by variable name (the cell's text as written, backticks included).
    static func documentedDefaults() throws -> [String: String] {
        let page = try String(
            contentsOf: packageRoot.appendingPathComponent("docs/environment-variables.md"), encoding: .utf8)
        var defaults: [String: String] = [:]
        for line in page.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count > 3 else { continue }
            defaults[cells[1].replacingOccurrences(of: "`", with: "")] = cells[2]
        }
        return defaults
    }

    /// A default as written for people, without backticks and the secret mark.
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: " (secret)", with: "")
            .trimmingCharacters(in: .whitespaces)
    }

    @Test func everyDocumentedDefaultIsTheDefaultTheCodeUses() throws {
        let documented = try Self.documentedDefaults()
        // Nothing set anywhere: no environment, no dispatcher.env, no git identity.
        let empty = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("no-such-root-\(UUID())")
        let defaults = try ConfigurationLoader(environment: [:]).load(root: empty)
        for variable in ConfigurationVariable.all {
            let cell = try #require(documented[variable.name], "\(variable.name) is not documented")
            #expect(
                Self.plain(cell) == variable.defaultDescription,
                "docs/environment-variables.md gives \(variable.name) the default '\(Self.plain(cell))'; the code says '\(variable.defaultDescription)'")
            // A default that is one literal value (`60`, `https://api.openai.com/v1`) must be what the loader uses.
            let isLiteral = cell.hasPrefix("`") && cell.hasSuffix("`") && cell.filter { $0 == "`" }.count == 2
            if isLiteral {
                #expect(
                    defaults.displayValue(of: variable) == Self.plain(cell),
                    "\(variable.name): documented default \(cell), but the loader's default is '\(defaults.displayValue(of: variable))'")
            }
        }
        // The defaults written in words, checked against the loader one by one.
        #expect(defaults.githubToken == nil && defaults.openAIAPIKey == nil)
        #expect(Self.plain(documented["GIT_USER_NAME"] ?? "").hasSuffix("else \(defaults.gitUserName)"))
        #expect(Self.plain(documented["GIT_USER_EMAIL"] ?? "").hasSuffix("else \(defaults.gitUserEmail)"))
        #expect(defaults.swiftOverride == nil)
    }

    @Test func theFeedbackPageGivesTheConfiguredSizeLimit() throws {
        let page = try String(contentsOf: Self.packageRoot.appendingPathComponent("docs/feedback-format.md"), encoding: .utf8)
        let defaults = try ConfigurationLoader(environment: [:]).load(
            root: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("no-such-root-\(UUID())"))
        #expect(page.contains("DISPATCHER_FEEDBACK_MAX_BYTES"))
        #expect(page.contains("default \(defaults.feedbackMaxBytes >> 20) MiB"), "the size limit's default")
        #expect(!page.contains("4 MiB"))
    }

    func page(_ path: String) throws -> String {
        try String(contentsOf: Self.packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theFeedbackPageListsEveryRejectionCodeTheCodeDeclares() throws {
        // Every `Self(rawValue: "…")` declared on FeedbackError.Code, found in the sources so a new code is caught.
        let sources = Self.packageRoot.appendingPathComponent("Sources/DeployFeedback")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        var codes: Set<String> = []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            // Only the bodies of `extension FeedbackError.Code { … }` (other error types declare codes the same way).
            for block in text.components(separatedBy: "extension FeedbackError.Code {").dropFirst() {
                let body = block.components(separatedBy: "\n}\n").first ?? ""
                for match in body.matches(of: /public static let \w+ = Self\(rawValue: "([a-z0-9-]+)"\)/) {
                    codes.insert(String(match.1))
                }
            }
        }
        let rejections = codes.filter { FeedbackError.Code(rawValue: $0).isRejection }
        #expect(rejections.count > 30, "found \(rejections.sorted())")
        let section = try page("docs/feedback-format.md").components(separatedBy: "## Rejection codes").last ?? ""
        for code in rejections.sorted() {
            #expect(section.contains("`\(code)`"), "docs/feedback-format.md's rejection codes lack `\(code)`")
        }
    }

    @Test func theFeedbackPagesReportNameCarriesTheRepositoryAsTheLogsDo() throws {
        let text = try page("docs/feedback-format.md")
        let names = text.matches(of: /deploy\/logs\/(build-[0-9]{8}-[0-9]{6}[^"\s`]*\.json)/).map { String($0.1) }
        #expect(!names.isEmpty)
        for name in names {
            #expect(name.wholeMatch(of: /build-[0-9]{8}-[0-9]{6}\.[A-Za-z0-9][A-Za-z0-9._-]*\.json/) != nil, "\(name): BASE.REPOSITORY.json")
        }
    }

    @Test func theTokensPageSaysCommitStatusesArePostedAndByWhichSwitch() throws {
        let text = try page("docs/configuration-and-tokens.md")
        #expect(!text.contains("posts no commit statuses"))
        let row = text.split(separator: "\n").first { $0.contains("Commit statuses") } ?? ""
        #expect(!row.isEmpty)
        #expect(text.contains("`DISPATCHER_COMMIT_STATUS=1`"))
    }

    @Test func theHandbookExplainsTheSeedWhereItFirstSaysIt() throws {
        for path in ["docs/README.md", "docs/introduction.md", "docs/feedback-format.md"] {
            let text = try page(path)
            let first = try #require(text.range(of: "the seed", options: .caseInsensitive), "\(path)")
            let around = text[first.lowerBound...].prefix(400)
            #expect(around.contains("Codex-Deployer"), "\(path) says 'the seed' without saying what it is")
        }
    }
}
