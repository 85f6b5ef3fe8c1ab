import DeployGit
import Foundation
import Testing

@testable import DeployHTTP

/// Where a redirect may lead: the same scheme, host and port only, and a method-changing status only for reads.
@Suite struct SameOriginRedirectsTests {
    let base = URL(string: "https://forge.example/api/v1")!
    var redirects: SameOriginRedirects { SameOriginRedirects(origin: NetworkOrigin(base), service: "forge") }

    @Test func withinTheOriginTheRedirectIsFollowed() {
        let from = URL(string: "https://forge.example/api/v1/repos/o/r/pulls/1")!
        #expect(
            redirects.followUp(method: "GET", from: from, status: 301, location: "/api/v1/repos/o/renamed/pulls/1")
                == .follow(URL(string: "https://forge.example/api/v1/repos/o/renamed/pulls/1")!))
        #expect(
            redirects.followUp(method: "POST", from: from, status: 307, location: "https://FORGE.example:443/x")
                == .follow(URL(string: "https://FORGE.example:443/x")!), "host case and the default port are the same")
    }

    @Test(arguments: ["https://forge.example:8443/x", "http://forge.example/x", "https://evil.example/x"])
    func anotherOriginIsRefusedAndNamed(location: String) throws {
        let from = URL(string: "https://forge.example/api/v1/x")!
        guard case .refused(let reason) = redirects.followUp(method: "GET", from: from, status: 302, location: location)
        else {
            Issue.record("followed \(location)")
            return
        }
        let target = try #require(NetworkOrigin(URL(string: location)!))
        #expect(reason.contains(target.description))
        #expect(reason.contains("token is not sent there"))
    }

    @Test func aPostRedirectedWithAStatusThatWouldTurnItIntoAGetIsRefused() {
        let from = URL(string: "https://forge.example/api/v1/x")!
        for status in [301, 302, 303] {
            #expect(
                redirects.followUp(method: "POST", from: from, status: status, location: "/api/v1/y")
                    == .refused("the forge redirected POST with \(status); only 307 and 308 keep a request's method and body"))
        }
    }
}
