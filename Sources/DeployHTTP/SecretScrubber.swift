import DeployBuild
import Foundation

/// The one place DeployHTTP removes secrets from text: every message of an ``HTTPError``, every server message
/// quoted in one, and every URL shown in one or logged.
///
/// Text loses each configured secret (the token or key, its base64 and URL-encoded forms) and anything shaped like a
/// well-known token (`ghp_…`, `sk-…`; DeployBuild's `SecretRedactor`, which logs and prompts use too); URLs also
/// lose their user, password, query and fragment.
struct SecretScrubber: Sendable {
    private let redactor: SecretRedactor

    /// - Parameter secrets: the credentials the transport sends (empty ones are ignored).
    init(secrets: [String]) {
        redactor = SecretRedactor(secrets: secrets.filter { !$0.isEmpty })
    }

    /// `text` with every secret replaced by `***`.
    func scrub(_ text: String) -> String { redactor.redact(text) }

    /// `scheme://host[:port]/path` of `url`: no user, password, query or fragment, and the path scrubbed.
    func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return "(a URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return scrub(components.string ?? "(a URL)")
    }
}
