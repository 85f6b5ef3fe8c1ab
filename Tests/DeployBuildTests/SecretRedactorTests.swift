import DeployBuild
import Foundation
import Testing

/// What never reaches a log or a prompt: a configured secret in any of the forms a build could print it in, and
/// anything shaped like a well-known token.
@Suite struct SecretRedactorTests {
    static let token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"

    @Test(arguments: ["", "x", "x-access-token:", "user:"])
    func base64FormsAreRedactedAtEveryAlignment(prefix: String) {
        // A `Basic` authorization header, or a `.netrc` dumped through base64: the token sits inside longer text.
        let encoded = Data((prefix + Self.token + "\n").utf8).base64EncodedString()
        let redacted = SecretRedactor(secrets: [Self.token]).redact("Authorization: Basic \(encoded)")
        #expect(redacted.contains(SecretRedactor.mask), "\(prefix): \(redacted)")
        let middle = String(Data(Self.token.utf8).base64EncodedString().dropFirst(4).dropLast(4))
        #expect(!redacted.contains(middle), "\(prefix): \(redacted)")
    }

    @Test func urlEncodedFormsAreRedacted() {
        let secret = "s3cr3t/with+plus=and&amp"
        let line = "GET /login?key=\(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) HTTP/1.1"
        #expect(!SecretRedactor(secrets: [secret]).redact(line).contains("s3cr3t"))
    }

    @Test(arguments: [
        "token ghp_" + String(repeating: "a", count: 36),
        "gho_" + String(repeating: "B", count: 36) + " trailing",
        "export GITHUB_TOKEN=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789",
        "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz012345",
        "aws AKIAIOSFODNN7EXAMPLE done",
    ])
    func tokenShapedWordsAreRedactedWithoutBeingConfigured(line: String) {
        let redacted = SecretRedactor(secrets: []).redact(line)
        #expect(redacted.contains(SecretRedactor.mask), "\(redacted)")
        for prefix in ["ghp_a", "gho_B", "github_pat_1", "sk-proj-a", "AKIAI"] { #expect(!redacted.contains(prefix)) }
    }

    @Test(arguments: [
        "Compiling task-scheduler-implementation-details-module",
        "let risk-assessment-for-everything-in-the-module = 1",
        "AKIA is not a key; AKIAshort neither",
        "ghp_short and sk-short are too short",
        "/usr/lib/swift/linux/x86_64/swiftrt.o: warning: ...",
    ])
    func ordinaryOutputIsLeftAlone(line: String) {
        #expect(SecretRedactor(secrets: ["unrelated-secret-value"]).redact(line) == line)
    }
}
