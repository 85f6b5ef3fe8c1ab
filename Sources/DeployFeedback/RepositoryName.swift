/// Validation of the names that a feedback file may use to point at things: repository names, branch names, ids.
///
/// These names reach file paths (`repos/NAME`, `commands/restart-NAME.sh`), git ref names and commit trailers, so
/// only a conservative character set is accepted.
public enum FeedbackNames {
    /// Whether `name` is a safe repository name: 1–100 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit,
    /// not `.`/`..`-like and not ending in `.lock`. Rejects `../x`, `x; rm -rf /`, `-x`, `a/b`.
    public static func isValidRepositoryName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...100).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        guard
            bytes.allSatisfy({
                isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            })
        else { return false }
        return !name.contains("..") && !name.hasSuffix(".lock")
    }

    /// Whether `id` is an acceptable feedback id: 1–128 of `A-Z a-z 0-9 . _ : -`, starting with a letter or digit.
    /// (It ends up in a `Feedback-Id:` commit trailer and in the ledger.)
    public static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...128).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: ":")
        }
    }

    /// Whether `branch` is a safe short branch name under git's `check-ref-format` rules, made stricter: printable
    /// ASCII without space or `~^:?*[\`, no `..`, `//`, `@{`, no component starting with `.` or ending in `.lock`,
    /// not starting with `-` or `/`, not ending with `/` or `.`, at most 200 bytes, and not `HEAD`.
    public static func isValidBranchName(_ branch: String) -> Bool {
        let bytes = Array(branch.utf8)
        guard (1...200).contains(bytes.count), branch != "HEAD", branch != "@" else { return false }
        let forbidden = Set(" ~^:?*[\\".utf8)
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && !forbidden.contains($0) }) else { return false }
        if branch.hasPrefix("-") || branch.hasPrefix("/") || branch.hasSuffix("/") || branch.hasSuffix(".") {
            return false
        }
        if branch.contains("..") || branch.contains("//") || branch.contains("@{") { return false }
        return branch.split(separator: "/").allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }
    }

    /// Whether `commit` looks like a commit id: 7–64 hex digits.
    public static func isValidCommitID(_ commit: String) -> Bool {
        (7...64).contains(commit.utf8.count) && commit.utf8.allSatisfy { isHexDigit($0) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
