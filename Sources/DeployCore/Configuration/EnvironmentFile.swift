import Foundation

/// The `dispatcher.env` file of a deploy root: `KEY=VALUE` lines, as shells and systemd's `EnvironmentFile=` read them.
///
/// Accepted: blank lines, `#` comments, an optional `export ` prefix, values in single quotes (literal) or double
/// quotes (with `\"`, `\\`, `\n`, `\t` escapes), unquoted values with a trailing ` # comment`. Anything else is a
/// ``DispatcherError`` naming `file:line`, what was found and what is accepted; the parser never guesses.
public struct EnvironmentFile: Sendable {
    /// One `KEY=VALUE` assignment with the line it came from.
    public struct Entry: Sendable, Hashable {
        public let key: String
        public let value: String
        public let line: Int
    }

    /// The file's path as shown in messages.
    public let path: String
    /// The assignments in file order; a later duplicate overrides an earlier one in ``values``.
    public let entries: [Entry]

    /// The last value for each key.
    public var values: [String: Entry] {
        var result: [String: Entry] = [:]
        for entry in entries { result[entry.key] = entry }
        return result
    }

    /// Parses the text of a `dispatcher.env` file.
    /// - Throws: ``DispatcherError`` with code `malformedFile` for the first bad line.
    public init(contents: String, path: String) throws(DispatcherError) {
        self.path = path
        var entries: [Entry] = []
        var lineNumber = 0
        // Split the bytes at LF, not the Characters: "\r\n" is one Character, so a CRLF file would be one line.
        for rawLine in contents.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(String(decoding: rawLine, as: UTF8.self))
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            entries.append(try Self.parseAssignment(trimmed, path: path, line: lineNumber))
        }
        self.entries = entries
    }

    /// Reads and parses the file at `url`; a missing file is an empty file.
    public static func load(at url: URL) throws(DispatcherError) -> EnvironmentFile {
        guard FileManager.default.fileExists(atPath: url.path) else {
            return try EnvironmentFile(contents: "", path: url.path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DispatcherError(
                .unreadableFile, location: url.path, found: "\(error.localizedDescription)",
                accepted: "a readable UTF-8 text file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DispatcherError(
                .malformedFile, location: url.path, found: "bytes that are not UTF-8", accepted: "UTF-8 text")
        }
        return try EnvironmentFile(contents: text, path: url.path)
    }

    private static let accepted = "KEY=VALUE, export KEY=VALUE, KEY=\"quoted\", KEY='quoted', # comments, blank lines"

    private static func parseAssignment(_ text: String, path: String, line: Int) throws(DispatcherError) -> Entry {
        var body = Substring(text)
        if body.hasPrefix("export ") || body.hasPrefix("export\t") {
            body = body.dropFirst("export".count).drop(while: { $0 == " " || $0 == "\t" })
        }
        let location = "\(path):\(line)"
        guard let equals = body.firstIndex(of: "=") else {
            throw DispatcherError(
                .malformedFile, location: location, found: "a line without '='", accepted: accepted)
        }
        let key = String(body[..<equals])
        guard isValidKey(key) else {
            throw DispatcherError(
                .malformedFile, location: location, found: "a key with characters other than letters, digits and '_'",
                accepted: "keys made of letters, digits and '_', not starting with a digit")
        }
        let rawValue = body[body.index(after: equals)...]
        let value = try parseValue(rawValue, location: location)
        return Entry(key: key, value: value, line: line)
    }

    private static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }

    private static func parseValue(_ raw: Substring, location: String) throws(DispatcherError) -> String {
        guard let quote = raw.first, quote == "\"" || quote == "'" else {
            // Unquoted: a ` #` starts a comment; surrounding blanks are dropped.
            var value = raw
            if let hash = value.range(of: " #") ?? value.range(of: "\t#") { value = value[..<hash.lowerBound] }
            return value.trimmingCharacters(in: .whitespaces)
        }
        var result = ""
        var index = raw.index(after: raw.startIndex)
        var closed = false
        while index < raw.endIndex {
            let character = raw[index]
            if character == quote {
                closed = true
                index = raw.index(after: index)
                break
            }
            if quote == "\"" && character == "\\" {
                let next = raw.index(after: index)
                guard next < raw.endIndex else { break }
                switch raw[next] {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\"", "\\", "$", "`": result.append(raw[next])
                default:
                    result.append("\\")
                    result.append(raw[next])
                }
                index = raw.index(after: next)
                continue
            }
            result.append(character)
            index = raw.index(after: index)
        }
        guard closed else {
            throw DispatcherError(
                .malformedFile, location: location, found: "an unterminated \(quote) quote",
                accepted: "a value closed by the same quote on the same line")
        }
        let rest = raw[index...].trimmingCharacters(in: .whitespaces)
        guard rest.isEmpty || rest.hasPrefix("#") else {
            throw DispatcherError(
                .malformedFile, location: location, found: "text after the closing quote",
                accepted: "nothing or a # comment after a quoted value")
        }
        return result
    }
}
