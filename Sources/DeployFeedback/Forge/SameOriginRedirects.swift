import DeployGit
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// How the forge and model clients treat redirects: followed only within the configured base URL's scheme, host and
/// port (``NetworkOrigin``), and followed by ``ForgeHTTPClient`` itself, never by `URLSession`.
///
/// `URLSession` would copy every header of a request, `Authorization` included, onto the request it follows a
/// redirect with — on Linux (FoundationNetworking) to any host — and FoundationNetworking drops the body of a
/// request it follows (a 307 of a `POST` arrives empty). So, as the session's delegate, this type declines every
/// redirect: the 3xx comes back to the client as the answer (the delegate is consulted for completion-handler data
/// tasks on Linux too, checked with Swift 6.3's swift-corelibs-foundation), and the client asks
/// ``followUp(to:status:location:)`` for the next request. A redirect to another origin is
/// ``ForgeError/Code/redirectRefused``, naming the target's origin; the token is never sent there.
final class SameOriginRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    /// The statuses that redirect (a `Location` on any other is not followed).
    static let statuses: Set<Int> = [301, 302, 303, 307, 308]
    /// Redirects followed for one request before giving up.
    static let maxRedirects = 5

    /// What comes after a redirect.
    enum FollowUp {
        /// Send this request: same method, headers and body, at the redirect's URL.
        case request(URLRequest)
        /// Not followed, with a sentence that names the target's origin (never a path or a token).
        case refused(String)
    }

    /// The configured base URL's origin; `nil` (an unreadable base) follows no redirect.
    let origin: NetworkOrigin?
    /// `forge` or `model`, for messages.
    let service: String

    init(origin: NetworkOrigin?, service: String) {
        self.origin = origin
        self.service = service
    }

    /// The request to send after `request` was answered `status` with `Location: location`.
    ///
    /// Followed only to the same origin, and only when the request can be sent again unchanged: 307 and 308 keep
    /// the method and body by definition, and a 301, 302 or 303 is followed for `GET` and `HEAD` only (for other
    /// methods clients turn it into a `GET`, which would lose the request).
    func followUp(to request: URLRequest, status: Int, location: String) -> FollowUp {
        guard let target = URL(string: location, relativeTo: request.url)?.absoluteURL else {
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
        let method = request.httpMethod ?? "GET"
        guard [307, 308].contains(status) || ["GET", "HEAD"].contains(method) else {
            return .refused(
                "the \(service) redirected \(method) with \(status); only 307 and 308 keep a request's method and body")
        }
        var next = request
        next.url = target
        return .request(next)
    }

    /// Declines every redirect `URLSession` would follow on its own (see the type's description).
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
