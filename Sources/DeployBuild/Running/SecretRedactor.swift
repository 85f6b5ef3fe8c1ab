/// Replaces every occurrence of configured secrets in output lines with `***`.
public struct SecretRedactor: Sendable {
    /// The text written in place of a secret.
    public static let mask = "***"

    private let secrets: [String]

    /// Creates a redactor; empty strings are ignored, and longer secrets are replaced first.
    public init(secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    /// Whether there is anything to redact.
    public var isEmpty: Bool { secrets.isEmpty }

    /// `line` with every secret replaced by ``mask``.
    public func redact(_ line: String) -> String {
        guard !secrets.isEmpty else { return line }
        var result = line
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mask)
        }
        return result
    }

    /// `arguments` with every secret replaced.
    public func redact(_ arguments: [String]) -> [String] {
        arguments.map(redact)
    }
}
