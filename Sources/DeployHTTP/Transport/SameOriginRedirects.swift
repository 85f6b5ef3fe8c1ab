import DeployGit
import Foundation

/// How the forge and model clients treat redirects: followed only within the configured base URL's scheme, host and
/// port (DeployGit's `NetworkOrigin`), and followed by ``HTTPTransport`` itself, never by AsyncHTTPClient.
///
/// The transport's `HTTPClient` is configured with `redirectConfiguration: .disallow`, so a 3xx comes back as the
/// answer and the transport asks ``followUp(method:from:status:location:)`` where to go next. A redirect to another
/// origin is ``HTTPError/Code/redirectRefused``, naming the target's origin; the token is never sent there.
struct SameOriginRedirects: Sendable {
    /// The statuses that redirect (a `Location` on any other is not followed).
    static let statuses: Set<Int> = [301, 302, 303, 307, 308]
    /// Redirects followed for one request before giving up.
    static let maxRedirects = 5

    /// What comes after a redirect.
    enum FollowUp: Equatable {
        /// Send the same method, headers and body again, to this URL.
        case follow(URL)
        /// Not followed, with a sentence that names the target's origin (never a path or a token).
        case refused(String)
    }

    /// The configured base URL's origin; `nil` (an unreadable base) follows no redirect.
    let origin: NetworkOrigin?
    /// `forge` or `model`, for messages.
    let service: String

    /// Where to send `method` after it was answered `status` with `Location: location` at `url`.
    ///
    /// Followed only to the same origin, and only when the request can be sent again unchanged: 307 and 308 keep
    /// the method and body by definition, and a 301, 302 or 303 is followed for `GET` and `HEAD` only (for other
    /// methods clients turn it into a `GET`, which would lose the request).
    func followUp(method: String, from url: URL, status: Int, location: String) -> FollowUp {
        guard let target = URL(string: location, relativeTo: url)?.absoluteURL else {
            return .refused("the \(service) redirected (\(status)) to a location that is not a URL")
        }
        let targetOrigin = NetworkOrigin(target)
        guard let origin, targetOrigin == origin else {
            let shown = targetOrigin?.description ?? "a location of another kind"
            let configured = origin?.description ?? "the API base"
            return .refused(
                "the \(service) redirected (\(status)) to \(shown); redirects are followed only within \(configured), "
                    + "so the \(service == "model" ? "key" : "token") is not sent there")
        }
        guard [307, 308].contains(status) || ["GET", "HEAD"].contains(method) else {
            return .refused(
                "the \(service) redirected \(method) with \(status); only 307 and 308 keep a request's method and body")
        }
        return .follow(target)
    }
}
