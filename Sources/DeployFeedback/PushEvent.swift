import Foundation

/// The parts of a forge's push webhook deployctl reads (GitHub's and Gitea's payloads share them): the pushed
/// `ref` and the repository's `full_name` and clone URLs. Read with the strict JSON reader; everything else in the
/// payload is ignored. A hostile body (the webhook routes read it only after its signature checked out, but the
/// secret may have leaked) gets a ``Malformed`` reason; `scripts/fuzz.sh`'s `push` target holds it to that.
public struct PushEvent: Sendable, Hashable {
    /// `refs/heads/BRANCH`.
    public var ref: String
    /// `OWNER/NAME`.
    public var fullName: String?
    /// `clone_url`, `ssh_url`, `git_url`, `html_url`, `url`: whichever the payload has.
    public var urls: [String]

    /// The branch the push moved, when `ref` is one.
    public var branch: String? { ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : nil }

    /// Why a body is not a push payload.
    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    public init(ref: String, fullName: String?, urls: [String]) {
        self.ref = ref
        self.fullName = fullName
        self.urls = urls
    }

    /// Reads a push payload.
    public init(json data: Data) throws(Malformed) {
        let value: JSONValue
        do { value = try JSONValue(parsing: data) } catch {
            // The parser's message may quote the body (a key it refuses): cut, so a hostile body is not echoed back.
            let message = error.message.count > 200 ? error.message.prefix(200) + "…" : error.message
            throw Malformed(description: "the body is not JSON (\(message))")
        }
        guard case .object(let payload) = value else { throw Malformed(description: "the body is not a JSON object") }
        guard case .string(let ref)? = payload["ref"] else { throw Malformed(description: "the payload has no 'ref'") }
        guard case .object(let repository)? = payload["repository"] else {
            throw Malformed(description: "the payload has no 'repository' object")
        }
        var fullName: String?
        if case .string(let name)? = repository["full_name"] { fullName = name }
        let urls = ["clone_url", "ssh_url", "git_url", "html_url", "url"].compactMap { key -> String? in
            if case .string(let url)? = repository[key] { return url }
            return nil
        }
        self.init(ref: ref, fullName: fullName, urls: urls)
    }
}
