import Foundation

/// Turns the paths a build printed into repository-relative ones and reads the repository's files.
///
/// It reads only regular files inside the repository: every folder on the way and the file itself are looked at with
/// `lstat`, so a committed symbolic link (`Sources/App/main.swift -> /srv/root/dispatcher.env`) is never followed
/// into a prompt (or an agent's build report).
public struct PathLocator: Sendable {
    public let repository: URL
    private let prefixes: [String]

    public init(repository: URL) {
        self.repository = repository
        let plain = repository.standardizedFileURL.path
        let resolved = repository.resolvingSymlinksInPath().path
        prefixes = Array(Set([plain, resolved])).map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    }

    /// The repository-relative path of `printed` (absolute, relative, or a bare file name found once in the
    /// repository), or `nil` when it is outside the repository or not found.
    public func relative(_ printed: String) -> String? {
        if printed.hasPrefix("/") {
            for prefix in prefixes where printed.hasPrefix(prefix) {
                let path = String(printed.dropFirst(prefix.count))
                return isSafe(path) && isFile(path) ? path : nil
            }
            // A worktree or another checkout of the same repository: match by the tail.
            let components = printed.split(separator: "/").map(String.init)
            for start in components.indices.dropLast() {
                let tail = components[start...].joined(separator: "/")
                if ["Sources/", "Tests/", "Plugins/"].contains(where: tail.hasPrefix), isFile(tail) { return tail }
            }
            return nil
        }
        if printed.contains("/") { return isSafe(printed) && isFile(printed) ? printed : nil }
        return find(named: printed)
    }

    /// Paths in a `file:line: message` text made relative.
    public func relativeInText(_ text: String) -> String {
        var result = text
        for prefix in prefixes { result = result.replacingOccurrences(of: prefix, with: "") }
        return result
    }

    /// Whether `path` is a regular file of the repository reached through real folders only (no symbolic link on the
    /// way, nor the file itself one).
    func isFile(_ path: String) -> Bool {
        guard isSafe(path) else { return false }
        var current = repository.standardizedFileURL.path
        let segments = path.split(separator: "/")
        for (index, segment) in segments.enumerated() {
            current += "/" + segment
            var info = stat()
            guard lstat(current, &info) == 0 else { return false }
            let kind = info.st_mode & S_IFMT
            if index == segments.count - 1 { return kind == S_IFREG }
            guard kind == S_IFDIR else { return false }
        }
        return false
    }

    private func isSafe(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
            && !path.hasPrefix(".build/") && !path.hasPrefix(".git/")
    }

    /// A bare file name found exactly once under `Sources/`, `Tests/` or the top level.
    private func find(named name: String) -> String? {
        guard !name.isEmpty, !name.contains("/") else { return nil }
        var found: [String] = []
        for top in ["Sources", "Tests"] {
            let base = repository.appendingPathComponent(top)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            while let entry = walker.nextObject() as? String {
                if (entry as NSString).lastPathComponent == name { found.append("\(top)/\(entry)") }
                if found.count > 1 { return nil }
            }
        }
        if found.isEmpty, isFile(name) { return name }
        return found.count == 1 && isFile(found[0]) ? found[0] : nil
    }

    /// For `Tests/XTests/…`: the Swift files of `Sources/X/` (SwiftPM's convention), at most
    /// ``FixPrompt/maxModuleFiles``.
    func testedModuleSources(of path: String) -> [String] {
        let components = path.split(separator: "/")
        guard components.count >= 3, components[0] == "Tests", components[1].hasSuffix("Tests") else { return [] }
        let module = String(components[1].dropLast("Tests".count))
        guard !module.isEmpty else { return [] }
        let base = repository.appendingPathComponent("Sources/\(module)")
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var result: [String] = []
        while let entry = walker.nextObject() as? String, result.count < FixPrompt.maxModuleFiles {
            if entry.hasSuffix(".swift"), isFile("Sources/\(module)/\(entry)") { result.append("Sources/\(module)/\(entry)") }
        }
        return result.sorted()
    }

    /// The file's text, when it is UTF-8 and at most `limit` bytes.
    func contents(_ path: String, limit: Int) -> String? {
        guard isFile(path) else { return nil }
        let url = repository.appendingPathComponent(path)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int,
            size <= limit, let data = try? Data(contentsOf: url)
        else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// The lines from `radius` before `line` (1-based) to `radius` after it, each with its number; nil when the file
    /// cannot be read or has no such line.
    public func lines(_ path: String, around line: Int, radius: Int) -> [(number: Int, text: String)]? {
        guard let text = contents(path, limit: 4 << 20) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        return (max(1, line - radius)...min(lines.count, line + radius)).map { ($0, String(lines[$0 - 1])) }
    }

    /// The numbered lines around `line` (1-based), marking it with `>`.
    func excerpt(_ path: String, around line: Int) -> String? {
        guard let lines = lines(path, around: line, radius: FixPrompt.excerptRadius) else { return nil }
        var result = "  ```\n"
        for (number, text) in lines {
            result += "  \(number == line ? ">" : " ")\(String(number).leftPadded(to: 5)) | \(text)\n"
        }
        return result + "  ```\n"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
