import DeployCore
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
}
