import Foundation

/// One variable deployctl reads from flags, the environment or `dispatcher.env`, as callers and people see it.
///
/// ``all`` is the single list of every variable, derived from the table where each is declared once: the loader reads
/// from it, `status --config` prints it, `--set` accepts its non-secret names, and a test checks that
/// `docs/environment-variables.md` has exactly its rows.
public struct ConfigurationVariable: Sendable, Hashable {
    /// The environment variable's name, e.g. `DISPATCHER_INTERVAL`.
    public let name: String
    /// The default as `docs/environment-variables.md` writes it (Markdown), e.g. `` `60` ``.
    let documentedDefault: String
    /// One line on what it does, as the documentation has it (Markdown).
    public let meaning: String
    /// Secrets are shown as `set`/`not set` only.
    public let isSecret: Bool

    init(name: String, documentedDefault: String, meaning: String, isSecret: Bool) {
        self.name = name
        self.documentedDefault = documentedDefault
        self.meaning = meaning
        self.isSecret = isSecret
    }

    /// The default as shown to people, in plain text: `60`, `none`, `git config user.name, else deployctl`.
    public var defaultDescription: String {
        documentedDefault.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: " (secret)", with: "")
    }

    /// The variable's row in the table of `docs/environment-variables.md`.
    var documentationRow: String {
        "| `\(name)` | \(documentedDefault) | \(meaning) |"
    }

    /// Every variable deployctl reads, in the order `status --config` shows them.
    public static let all: [ConfigurationVariable] = ConfigurationTable.all.map(\.variable)
}
