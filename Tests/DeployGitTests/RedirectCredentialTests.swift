import DeployGit
import DeployTestSupport
import Foundation
import Testing

/// A token goes only to the configured remote's scheme, host and port: a git server on 127.0.0.1 that redirects to a
/// second origin (another port, or another host name) never gets the second origin a credential, whichever way the
/// operation reaches it (clone, fetch, push, shallow clone). Both servers accept the same token, so a leak would
/// show as an `Authorization` header — or a success — on the second.
@Suite struct RedirectCredentialTests {
    static let token = TestSecrets.gitToken

    /// One way the first server redirects.
    struct Redirection: Sendable, CustomTestStringConvertible {
        var status: Int
        /// Whether the first server asks for (and gets) the token before redirecting.
        var afterAuthentication: Bool

        var testDescription: String { "\(status)\(afterAuthentication ? " after authentication" : "")" }
    }

    @Test(arguments: [
        Redirection(status: 302, afterAuthentication: false),
        Redirection(status: 301, afterAuthentication: false),
        Redirection(status: 307, afterAuthentication: true),
    ])
    func aCloneRedirectedToAnotherPortSendsItNoCredential(_ redirection: Redirection) async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let second = try GitHTTPServer(root: box.scratch.url, token: Self.token)
        defer { second.stop() }
        let first = try GitHTTPServer(
            root: box.scratch.url, token: Self.token,
            redirect: .init(
                to: second.origin + "/", status: redirection.status,
                afterAuthentication: redirection.afterAuthentication))
        defer { first.stop() }

        let error = await #expect(throws: GitError.self) {
            try await GitRepository.clone(
                from: first.url("app.git"), to: box.url("app"), credentials: GitCredentials(token: Self.token),
                timeout: .seconds(30))
        }
        // libgit2 follows a redirect to another port of the same host (it compares host names only) and asks for
        // credentials again; the callback refuses, because the server asking is not the configured one.
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains("refusing to send credentials") == true, "withheld, not a wrong token")
        #expect(error?.message.contains("127.0.0.1:\(second.port)") == true, "names the refused origin")
        #expect(error.map { !"\($0)".contains(Self.token) } == true)
        let reached = try await second.requests()
        #expect(reached.allSatisfy { !$0.authorization }, "\(reached)")
        if redirection.afterAuthentication {
            // The configured origin itself did get the token: the check is per origin, not a blanket refusal.
            #expect(try await first.requests().contains { $0.authorization && $0.status == redirection.status })
        }
    }

    @Test func aCloneRedirectedToAnotherHostNameIsNotFollowed() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let second = try GitHTTPServer(root: box.scratch.url, token: Self.token)
        defer { second.stop() }
        let first = try GitHTTPServer(
            root: box.scratch.url, token: Self.token, redirect: .init(to: "http://localhost:\(second.port)/"))
        defer { first.stop() }

        let error = await #expect(throws: GitError.self) {
            try await GitRepository.clone(
                from: first.url("app.git"), to: box.url("app"), credentials: GitCredentials(token: Self.token),
                timeout: .seconds(30))
        }
        // GIT_REMOTE_REDIRECT_NONE: libgit2 does not even connect to another host.
        #expect(error?.message.contains("localhost") == true)
        #expect(error?.message.contains("does not follow") == true)
        #expect(error.map { !"\($0)".contains(Self.token) } == true)
        #expect(try await second.requests().isEmpty)
    }

    @Test func fetchAndPushRedirectedToAnotherPortSendItNoCredential() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(box.url("app.git"), as: "work")
        let second = try GitHTTPServer(root: box.scratch.url, token: Self.token)
        defer { second.stop() }
        let first = try GitHTTPServer(
            root: box.scratch.url, token: Self.token,
            redirect: .init(to: second.origin + "/", status: 307, afterAuthentication: true))
        defer { first.stop() }
        try Shell.check(["git", "remote", "set-url", "origin", first.url("app.git")], in: work)
        let repo = try GitRepository.open(at: work)
        let credentials = GitCredentials(token: Self.token)

        let fetchError = await #expect(throws: GitError.self) {
            try await repo.fetch(credentials: credentials, timeout: .seconds(30))
        }
        #expect(fetchError?.code == .authenticationFailed)
        try box.fixture.write(["n.txt": "n\n"], in: work)
        _ = try repo.commit(paths: ["n.txt"], message: "add n", author: testAuthor)
        let pushError = await #expect(throws: GitError.self) {
            try await repo.push(branch: "main", credentials: credentials, timeout: .seconds(30))
        }
        #expect(pushError?.code == .authenticationFailed)
        for error in [fetchError, pushError] {
            #expect(error?.message.contains("refusing to send credentials") == true, "withheld, not a wrong token")
        }
        #expect([fetchError, pushError].allSatisfy { $0.map { !"\($0)".contains(Self.token) } == true })
        let reached = try await second.requests()
        #expect(reached.allSatisfy { !$0.authorization }, "\(reached)")
    }

    @Test func aShallowCloneFollowsNoRedirect() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let second = try GitHTTPServer(root: box.scratch.url, token: Self.token)
        defer { second.stop() }
        let first = try GitHTTPServer(
            root: box.scratch.url, token: Self.token, redirect: .init(to: second.origin + "/"))
        defer { first.stop() }

        let error = await #expect(throws: GitError.self) {
            try await GitRepository.clone(
                from: first.url("app.git"), to: box.url("app"), depth: 1,
                credentials: GitCredentials(token: Self.token), timeout: .seconds(30))
        }
        #expect(error.map { !"\($0)".contains(Self.token) } == true)
        // The git command line sends the token as a header with every request: it must not follow at all.
        #expect(try await second.requests().isEmpty)
    }

    @Test func aRedirectWithinTheSameOriginStillClonesWithTheToken() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        // A renamed repository: old.git answers 301 to app.git on the same server.
        let server = try GitHTTPServer(
            root: box.scratch.url, token: Self.token,
            redirect: .init(prefix: "/old.git/", to: "/app.git/", status: 301))
        defer { server.stop() }

        let repo = try await GitRepository.clone(
            from: server.url("old.git"), to: box.url("app"), credentials: GitCredentials(token: Self.token),
            timeout: .seconds(30))
        #expect(try repo.head().branch == "main")
        let seen = try await server.requests()
        #expect(seen.contains { $0.status == 301 })
        #expect(seen.contains { $0.path.hasPrefix("/app.git/") && $0.authorization && $0.status == 200 })
    }
}
