import DeployGit
import Foundation
import Testing

/// What counts as "the same origin" for a credential, and where a credential may go at all.
@Suite struct NetworkOriginTests {
    @Test func readsSchemeHostAndPortWithTheSchemesDefaultPort() {
        let expected: [(String, NetworkOrigin)] = [
            ("https://GitHub.com/o/r.git", .init(scheme: "https", host: "github.com", port: 443)),
            ("http://127.0.0.1:8080/r.git", .init(scheme: "http", host: "127.0.0.1", port: 8080)),
            ("ssh://git@host:2222/r.git", .init(scheme: "ssh", host: "host", port: 2222)),
            ("git+ssh://host/r.git", .init(scheme: "ssh", host: "host", port: 22)),
            ("git@github.com:o/r.git", .init(scheme: "ssh", host: "github.com", port: 22)),
            ("http://[::1]:9/r.git", .init(scheme: "http", host: "::1", port: 9)),
        ]
        for (url, origin) in expected {
            #expect(NetworkOrigin(remoteURL: url) == origin, "\(url)")
        }
        #expect(NetworkOrigin(URL(string: "https://api.github.com")!)?.description == "https://api.github.com:443")
    }

    @Test func localRemotesHaveNoOrigin() {
        #expect(NetworkOrigin(remoteURL: "/srv/git/app.git") == nil)
        #expect(NetworkOrigin(remoteURL: "file:///srv/git/app.git") == nil)
        #expect(NetworkOrigin(remoteURL: "./relative/path:with-colon") == nil)
    }

    @Test func anotherPortSchemeOrHostIsAnotherOrigin() throws {
        let configured = try #require(NetworkOrigin(remoteURL: "http://127.0.0.1:8080/app.git"))
        #expect(configured.credentialRefusal(for: .init(scheme: "http", host: "127.0.0.1", port: 8080)) == nil)
        for other in [
            NetworkOrigin(scheme: "http", host: "127.0.0.1", port: 8081),
            NetworkOrigin(scheme: "https", host: "127.0.0.1", port: 8080),
            NetworkOrigin(scheme: "http", host: "localhost", port: 8080),
        ] {
            let refusal = try #require(configured.credentialRefusal(for: other))
            #expect(refusal.contains(other.description) && refusal.contains(configured.description))
        }
    }

    @Test func loopbackIsLocalhostAnd127Slash8AndColonColon1Only() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1"] {
            #expect(NetworkOrigin(scheme: "http", host: host, port: 80).isLoopback, "\(host)")
        }
        for host in ["127.0.0.1.example.com", "128.0.0.1", "10.0.0.1", "example.invalid", "::2", "localhost.example"] {
            #expect(!NetworkOrigin(scheme: "http", host: host, port: 80).isLoopback, "\(host)")
        }
    }

    @Test func aTokenGoesOverPlainHTTPOnlyToLoopback() throws {
        #expect(NetworkOrigin(remoteURL: "https://example.invalid/r.git")?.mayCarryCredentials == true)
        #expect(NetworkOrigin(remoteURL: "git@example.invalid:r.git")?.mayCarryCredentials == true)
        #expect(NetworkOrigin(remoteURL: "http://127.0.0.1:9/r.git")?.mayCarryCredentials == true)
        #expect(NetworkOrigin(remoteURL: "http://localhost/r.git")?.mayCarryCredentials == true)
        #expect(NetworkOrigin(remoteURL: "git://example.invalid/r.git")?.mayCarryCredentials == false)
        let plain = try #require(NetworkOrigin(remoteURL: "http://example.invalid/r.git"))
        #expect(!plain.mayCarryCredentials)
        // Even for its own origin: the callback's answer for an http remote that is not loopback is no.
        let refusal = try #require(plain.credentialRefusal(for: plain))
        #expect(refusal.contains("http://example.invalid:80") && refusal.contains("use https"))
    }
}
