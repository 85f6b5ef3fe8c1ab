import Foundation

/// Replaces secrets in text with `***`: every configured secret, its base64 forms (as in a `Basic` authorization
/// header or a `.netrc` dumped by a build, at any alignment inside a longer base64 text) and its URL-encoded form, and
/// anything shaped like a well-known token even when it was not configured (GitHub's `ghp_`, `gho_`, `ghu_`, `ghs_`,
/// `ghr_` and `github_pat_` tokens, OpenAI's `sk-` keys, AWS's `AKIA` access key ids).
///
/// Build output, verification logs and the prompts sent to a model all go through it.
public struct SecretRedactor: Sendable {
    /// The text written in place of a secret.
    public static let mask = "***"

    /// The texts replaced, longest first.
    private let forms: [String]

    /// Creates a redactor; empty strings are ignored. Secrets of 8 bytes or more also get their base64 and
    /// URL-encoded forms redacted.
    public init(secrets: [String]) {
        var forms = Set<String>()
        for secret in secrets where !secret.isEmpty {
            forms.insert(secret)
            guard secret.utf8.count >= 8 else { continue }
            forms.formUnion(Self.base64Forms(of: secret))
            for allowed in [CharacterSet.alphanumerics, .urlQueryAllowed] {
                if let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed), encoded != secret {
                    forms.insert(encoded)
                }
            }
        }
        self.forms = forms.sorted { $0.utf8.count > $1.utf8.count }
    }

    /// Whether no secret was configured (token shapes are redacted all the same).
    public var isEmpty: Bool { forms.isEmpty }

    /// `line` with every secret, and every token-shaped word, replaced by ``mask``.
    public func redact(_ line: String) -> String {
        var result = line
        for form in forms where result.contains(form) {
            result = result.replacing(form, with: Self.mask)
        }
        return Self.redactTokenShapes(result)
    }

    /// `arguments` with every secret replaced.
    public func redact(_ arguments: [String]) -> [String] {
        arguments.map(redact)
    }

    // MARK: Base64 forms

    /// The parts of base64 text that encode `secret` whatever the bytes before and after it are: for each of the
    /// three alignments, the characters that depend on the secret's bytes alone, in the standard and the URL-safe
    /// alphabet.
    static func base64Forms(of secret: String) -> [String] {
        let bytes = Array(secret.utf8)
        var forms: [String] = []
        for offset in 0..<3 {
            let encoded = Data(Array(repeating: 0, count: offset) + bytes).base64EncodedString()
            var characters = Array(encoded.filter { $0 != "=" })
            // Characters shared with the bytes before (offset 1: two, offset 2: three) or after (a last partial
            // group's final character) also encode other bytes: only the rest is the secret's own.
            let leading = [0, 2, 3][offset]
            let trailing = (offset + bytes.count) % 3 == 0 ? 0 : 1
            guard characters.count > leading + trailing + 4 else { continue }
            characters = Array(characters[leading..<(characters.count - trailing)])
            let standard = String(characters)
            forms.append(standard)
            let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            if urlSafe != standard { forms.append(urlSafe) }
        }
        return forms
    }

    // MARK: Token shapes

    /// A well-known token format: a prefix, then at least `minimumLength` characters of `alphabet`.
    struct TokenShape: Sendable {
        var prefix: String
        var minimumLength: Int
        var alphabet: @Sendable (UInt8) -> Bool
    }

    static let tokenShapes: [TokenShape] = {
        let alphanumeric: @Sendable (UInt8) -> Bool = { isAlphanumeric($0) }
        let word: @Sendable (UInt8) -> Bool = { isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
        let key: @Sendable (UInt8) -> Bool = { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        let upper: @Sendable (UInt8) -> Bool = { (48...57).contains($0) || (65...90).contains($0) }
        return ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map { TokenShape(prefix: $0, minimumLength: 20, alphabet: alphanumeric) }
            + [
                TokenShape(prefix: "github_pat_", minimumLength: 22, alphabet: word),
                TokenShape(prefix: "sk-", minimumLength: 20, alphabet: key),
                TokenShape(prefix: "AKIA", minimumLength: 16, alphabet: upper),
            ]
    }()

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// `text` with every token-shaped word replaced: a shape's prefix at the start of a word (not preceded by a
    /// letter, digit or `_`) followed by enough characters of its alphabet.
    static func redactTokenShapes(_ text: String) -> String {
        guard text.utf8.count >= 20 else { return text }
        let matches =
            text.utf8.withContiguousStorageIfAvailable(tokenRanges) ?? Array(text.utf8).withUnsafeBufferPointer(tokenRanges)
        guard !matches.isEmpty else { return text }
        var output: [UInt8] = []
        var position = 0
        let bytes = Array(text.utf8)
        for range in matches {
            output += bytes[position..<range.lowerBound]
            output += Array(mask.utf8)
            position = range.upperBound
        }
        output += bytes[position...]
        return String(decoding: output, as: UTF8.self)
    }

    /// The byte ranges of the token-shaped words in `bytes`, in order.
    private static func tokenRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        scanning: while index < bytes.count {
            let byte = bytes[index]
            // Every prefix starts with g, s or A.
            guard byte == UInt8(ascii: "g") || byte == UInt8(ascii: "s") || byte == UInt8(ascii: "A"),
                index == 0 || !(isAlphanumeric(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "_"))
            else {
                index += 1
                continue
            }
            for shape in tokenShapes {
                let prefix = shape.prefix.utf8
                guard index + prefix.count <= bytes.count,
                    zip(prefix, bytes[index..<(index + prefix.count)]).allSatisfy({ $0 == $1 })
                else { continue }
                var end = index + prefix.count
                while end < bytes.count, shape.alphabet(bytes[end]) { end += 1 }
                if end - index - prefix.count >= shape.minimumLength {
                    ranges.append(index..<end)
                    index = end
                    continue scanning
                }
            }
            index += 1
        }
        return ranges
    }
}
