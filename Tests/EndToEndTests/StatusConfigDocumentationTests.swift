import DeployTestSupport
import Foundation
import Testing

/// `status --config` and `docs/environment-variables.md` come from the same declarations (DeployCore's
/// `ConfigurationTable`); this checks the built binary's output against the page.
@Suite struct StatusConfigDocumentationTests {
    struct Row: Decodable {
        let name: String
        let value: String
        let origin: String
        let secret: Bool
    }

    /// The page's default column, by variable name (the cell as written, backticks and secret mark included).
    static func documentedRows() throws -> [String: String] {
        let page = try String(
            contentsOf: DocumentationCommandsTests.packageRoot.appendingPathComponent("docs/environment-variables.md"),
            encoding: .utf8)
        var rows: [String: String] = [:]
        for line in page.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            rows[cells[1].replacingOccurrences(of: "`", with: "")] = cells[2]
        }
        return rows
    }

    @Test func statusConfigShowsEveryDocumentedVariableWithItsDocumentedDefault() throws {
        try ScratchDirectory.withSync { scratch in
            let home = scratch.appending("home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let result = try Deployctl.run(
                ["status", "--root", scratch.path, "--config", "--json"], environment: ["HOME": home.path])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try JSONDecoder().decode([Row].self, from: Data(result.stdout.utf8))
            let documented = try Self.documentedRows()
            #expect(Set(rows.map(\.name)) == Set(documented.keys))
            #expect(rows.count == documented.count, "a variable is shown twice")
            for row in rows {
                let cell = try #require(documented[row.name])
                #expect(row.secret == cell.hasSuffix("(secret)"), "\(row.name)")
                guard row.name != "DEPLOY_ROOT" else { continue }
                #expect(row.origin == "default", "\(row.name)")
                if row.secret { #expect(row.value == "not set", "\(row.name)") }
                // A default that is one literal value is exactly what status shows when nothing is set.
                if cell.hasPrefix("`") && cell.hasSuffix("`") && cell.filter({ $0 == "`" }).count == 2 {
                    #expect("`\(row.value)`" == cell, "\(row.name)")
                }
            }
        }
    }
}
