import DeployFeedback
import DeployGit
import Foundation

/// git diffs written in every header spelling git (and libgit2) reads, with what git writes from each: a third
/// reading, from the writer's side, for the differential checks of deployctl's patch reader against libgit2's.
///
/// Each choice is taken from a byte source, so the same generator serves the seeded property tests and the libFuzzer
/// target `patch-headers` (whose input bytes steer it). Spellings: `diff --git` with `a/`/`b/`, another prefix on both
/// sides (`x/`, `src/`) or `--no-prefix`; quoted paths (always for tabs, quotes and non-ASCII, sometimes for plain
/// ones); paths with spaces; new, deleted, modified, renamed (`rename from|to` or `rename old|new`) and copied files
/// with `similarity index`; `old mode`/`new mode` and modes on the `index` line; LF or CRLF line ends.
struct PatchHeaderSpellings {
    /// One generated diff and what git writes from it.
    struct Case: Sendable {
        var patch: String
        var expected: PatchSummary
        /// The spellings used, for failure messages.
        var spellings: [String]
    }

    /// Picks from a byte source; past its end every choice is the first option.
    struct Choices {
        private let bytes: [UInt8]
        private var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func pick(_ count: Int) -> Int {
            guard count > 1 else { return 0 }
            defer { index += 1 }
            return index < bytes.count ? Int(bytes[index]) % count : 0
        }

        mutating func pick<T>(_ items: [T]) -> T { items[pick(items.count)] }
        mutating func flag() -> Bool { pick(2) == 1 }
    }

    static let paths = [
        "README.md", "src/main.swift", "Sources/App/a b.swift", "docs/café.md", "tab\there.txt", "q\"uote.txt",
        ".github/workflows/ci.yml", "deep/er/still/x.txt", "commands/restart-app.sh", "x y/z w.txt",
    ]

    enum Kind: CaseIterable { case modify, add, delete, rename, copy, modeChange }
    enum Prefix { case standard, custom(String, String), none }

    static func make(_ choices: inout Choices) -> Case {
        let crlf = choices.pick(5) == 0
        var text = ""
        var files: [PatchedFile] = []
        var spellings: [String] = crlf ? ["CRLF"] : []
        for _ in 0..<(1 + choices.pick(3)) {
            let kind = choices.pick(Kind.allCases)
            let old = choices.pick(paths)
            var new = choices.pick(paths)
            if new == old { new = "renamed/" + old }
            var prefix = choices.pick([Prefix.standard, .custom("x/", "x/"), .custom("src/", "dst/"), .none])
            // Without a prefix git strips the first folder of the path itself: a one-segment path cannot be written so.
            if case .none = prefix, !(old.contains("/") && new.contains("/")) { prefix = .standard }
            let quoteAll = choices.pick(4) == 0
            let renameWords = choices.flag() ? ("rename old ", "rename new ") : ("rename from ", "rename to ")
            let indexMode = choices.pick(3) == 0 ? choices.pick(["100644", "100755"]) : nil
            let fileMode = choices.pick(["100644", "100755"])
            spellings.append("\(kind) \(prefix) quoteAll:\(quoteAll) indexMode:\(indexMode ?? "-")")

            func side(_ path: String, _ which: KeyPath<(String, String), String>) -> String {
                switch prefix {
                case .standard: (("a/", "b/") as (String, String))[keyPath: which] + path
                case .custom(let a, let b): ((a, b) as (String, String))[keyPath: which] + path
                case .none: path
                }
            }
            func shown(_ path: String, _ which: KeyPath<(String, String), String>) -> String {
                quote(side(path, which), always: quoteAll)
            }
            // What git writes: the path after its first folder (the prefix) is stripped.
            func written(_ path: String) -> String {
                switch prefix {
                case .none: String(path.drop { $0 != "/" }.dropFirst())
                default: path
                }
            }

            let oldName = kind == .rename || kind == .copy ? old : new
            text += "diff --git \(shown(oldName, \.0)) \(shown(new, \.1))\n"
            var file = PatchedFile()
            switch kind {
            case .modify:
                text += "index 1234567..89abcde\(indexMode.map { " " + $0 } ?? "")\n"
                text += "--- \(shown(new, \.0))\n+++ \(shown(new, \.1))\n" + hunk
                file = PatchedFile(oldPath: written(new), newPath: written(new), oldMode: indexMode, newMode: indexMode)
            case .add:
                text += "new file mode \(fileMode)\nindex 0000000..89abcde\n"
                text += "--- /dev/null\n+++ \(shown(new, \.1))\n@@ -0,0 +1 @@\n+new\n"
                file = PatchedFile(oldPath: nil, newPath: written(new), newMode: fileMode)
            case .delete:
                text += "deleted file mode \(fileMode)\nindex 1234567..0000000\n"
                text += "--- \(shown(new, \.0))\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n"
                file = PatchedFile(oldPath: written(new), newPath: nil, oldMode: fileMode)
            case .rename, .copy:
                text += "similarity index \(kind == .rename ? 100 : 90)%\n"
                let (from, to) = kind == .rename ? renameWords : ("copy from ", "copy to ")
                // `rename`/`copy` lines name paths whole, without a prefix.
                // libgit2 1.5 reads a `rename`/`copy` path only up to a blank unless it is quoted.
                text += from + quote(old, always: quoteAll || old.contains(" ")) + "\n"
                text += to + quote(new, always: quoteAll || new.contains(" ")) + "\n"
                let edited = kind == .copy || choices.flag()
                if edited {
                    text += "index 1234567..89abcde\(indexMode.map { " " + $0 } ?? "")\n"
                    text += "--- \(shown(old, \.0))\n+++ \(shown(new, \.1))\n" + hunk
                }
                let mode = edited ? indexMode : nil
                file = PatchedFile(oldPath: old, newPath: new, oldMode: mode, newMode: mode)
            case .modeChange:
                text += "old mode 100644\nnew mode 100755\n"
                // Without `---`/`+++` lines git takes the names from `diff --git`, which cannot split unquoted blanks.
                if choices.flag() || (new.contains(" ") && !quoteAll) {
                    text += "index 1234567..89abcde\n--- \(shown(new, \.0))\n+++ \(shown(new, \.1))\n" + hunk
                }
                file = PatchedFile(oldPath: written(new), newPath: written(new), oldMode: "100644", newMode: "100755")
            }
            files.append(file)
        }
        if crlf { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        return Case(patch: text, expected: PatchSummary(files: files), spellings: spellings)
    }

    private static let hunk = "@@ -1 +1 @@\n-old\n+new\n"

    /// `path` as git quotes it (C-style, for control characters, `"`, `\` and non-ASCII bytes), or quoted anyway.
    static func quote(_ path: String, always: Bool) -> String {
        var needs = always
        var body = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "\""): body += "\\\""; needs = true
            case UInt8(ascii: "\\"): body += "\\\\"; needs = true
            case 0x09: body += "\\t"; needs = true
            case 0x0A: body += "\\n"; needs = true
            case 0x20..<0x7f: body.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let octal = String(byte, radix: 8)
                body += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
                needs = true
            }
        }
        return needs ? "\"" + body + "\"" : path
    }

    /// What breaks when `generated` is read: libgit2 must read what git writes, and deployctl's reader must agree
    /// (``PatchReader`` accepts it and returns the same). Empty when all hold.
    static func agreement(_ generated: Case) -> [String] {
        let context = "\(generated.spellings.joined(separator: "; "))\n\(generated.patch.debugDescription)"
        let git: PatchSummary
        do { git = PatchSummary(files: try GitRepository.patchedPaths(in: generated.patch).map(PatchedFile.init)) } catch {
            return ["libgit2 cannot read a diff git writes: \(error.message) — \(context)"]
        }
        var broken: [String] = []
        if git != generated.expected {
            broken.append("libgit2 reads \(git.files), git writes \(generated.expected.files) — \(context)")
        }
        do {
            let read = try PatchReader.read(generated.patch)
            if read != generated.expected {
                broken.append("the reader returns \(read.files), git writes \(generated.expected.files) — \(context)")
            }
        } catch {
            broken.append("the reader refuses a diff git writes: \(error) — \(context)")
        }
        return broken
    }
}
