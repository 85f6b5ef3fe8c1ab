import DeployGit
import DeployTestSupport
import Foundation
import Testing

/// Against the real `git http-backend` behind basic auth (``GitHTTPServer``).
@Suite struct HTTPRemoteTests {
    static let token = "tok-\(UUID().uuidString)"

    @Test func rightTokenClonesFetchesAndPushesWithoutStoringTheToken() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let server = try GitHTTPServer(root: box.scratch.url, token: Self.token)
        defer { server.stop() }
        let credentials = GitCredentials(token: Self.token)
        let repo = try await GitRepository.clone(
            from: server.url("app.git"), to: box.url("app"), credentials: credentials, timeout: .seconds(60))
        let pushed = try box.fixture.pushCommit(to: box.url("app.git"), files: ["b.txt": "b\n"])
        #expect(try await repo.update(credentials: credentials, timeout: .seconds(60)).commit?.hex == pushed)
        try box.fixture.write(["c.txt": "c\n"], in: box.url("app"))
        let commit = try repo.commit(paths: ["c.txt"], message: "add c", author: testAuthor)
        try await repo.push(branch: "main", credentials: credentials, timeout: .seconds(60))
        #expect(try Shell.check(["git", "rev-parse", "main"], in: box.url("app.git")) == commit.hex)
        #expect(try repo.remoteURL() == server.url("app.git"))
        // Nowhere on disk (clone, its .git, the remote) holds the token.
        #expect(box.files(under: box.scratch.url, containing: Self.token).isEmpty)
    }

    @Test func severalRepositoriesFetchConcurrentlyOverHTTP() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let server = try GitHTTPServer(root: box.scratch.url, token: Self.token)
        defer { server.stop() }
        let credentials = GitCredentials(token: Self.token)
        var repos: [GitRepository] = []
        var expected: [String] = []
        for index in 0..<4 {
            let remote = try box.fixture.makeRemote("h\(index)")
            let work = try box.fixture.clone(remote, as: "h\(index)")
            try Shell.check(["git", "remote", "set-url", "origin", server.url("h\(index).git")], in: work)
            repos.append(try GitRepository.open(at: work))
            expected.append(try box.fixture.pushCommit(to: remote, files: ["n.txt": "\(index)\n"]))
        }
        let commits = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for (index, repo) in repos.enumerated() {
                group.addTask { (index, try await repo.update(credentials: credentials, timeout: .seconds(60)).commit?.hex) }
            }
            var result: [Int: String] = [:]
            for try await (index, commit) in group { result[index] = commit }
            return result
        }
        #expect(commits == Dictionary(uniqueKeysWithValues: expected.enumerated().map { ($0.offset, $0.element) }))
    }

    @Test func wrongTokenIsAnAuthenticationFailureWithoutTheToken() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let server = try GitHTTPServer(root: box.scratch.url, token: Self.token)
        defer { server.stop() }
        let wrong = "wrong-\(UUID().uuidString)"
        let error = await #expect(throws: GitError.self) {
            try await GitRepository.clone(
                from: server.url("app.git"), to: box.url("app"), credentials: GitCredentials(token: wrong))
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains("token was rejected") == true)
        #expect(error.map { !"\($0)".contains(wrong) } == true)

        // Same through fetch on an existing clone: the error names no token, and .git holds none.
        let work = box.url("cli")
        try Shell.check(["git", "clone", "--quiet", box.url("app.git").path, work.path])
        try Shell.check(["git", "remote", "set-url", "origin", server.url("app.git")], in: work)
        let repo = try GitRepository.open(at: work)
        let fetchError = await #expect(throws: GitError.self) {
            try await repo.fetch(credentials: GitCredentials(token: wrong), timeout: .seconds(60))
        }
        #expect(fetchError?.code == .authenticationFailed)
        #expect(fetchError.map { !"\($0)".contains(wrong) } == true)
        #expect(box.files(under: work.appendingPathComponent(".git"), containing: wrong).isEmpty)
    }

    @Test func missingTokenIsAnAuthenticationFailure() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let server = try GitHTTPServer(root: box.scratch.url, token: Self.token)
        defer { server.stop() }
        let error = await #expect(throws: GitError.self) {
            try await GitRepository.clone(from: server.url("app.git"), to: box.url("app"))
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains("no usable credentials") == true)
    }

    @Test func tokenInTheURLIsRefused() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let error = await #expect(throws: GitError.self) {
            try await GitRepository.clone(from: "http://bot:\(Self.token)@127.0.0.1:1/app.git", to: box.url("app"))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error.map { !"\($0)".contains(Self.token) } == true)
    }

    @Test func remoteThatIsDownIsANetworkError() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let server = try GitHTTPServer(root: box.scratch.url, mode: .down)
        let error = await #expect(throws: GitError.self) {
            try await GitRepository.clone(from: server.url("app.git"), to: box.url("app"), timeout: .seconds(30))
        }
        #expect(error?.code == .network)
    }

    @Test func remoteThatHangsTimesOut() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(box.url("app.git"), as: "app")
        let server = try GitHTTPServer(root: box.scratch.url, mode: .hang)
        defer { server.stop() }
        try Shell.check(["git", "remote", "set-url", "origin", server.url("app.git")], in: work)
        let repo = try GitRepository.open(at: work)
        let error = await #expect(throws: GitError.self) {
            try await repo.fetch(timeout: .milliseconds(500))
        }
        #expect(error?.code == .timedOut)
        // The repository is usable again right away: the stalled connection was abandoned, not left holding it.
        #expect(try repo.head().branch == "main")
    }

    @Test func cancellingTheTaskStopsAHangingFetch() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(box.url("app.git"), as: "app")
        let server = try GitHTTPServer(root: box.scratch.url, mode: .hang)
        defer { server.stop() }
        try Shell.check(["git", "remote", "set-url", "origin", server.url("app.git")], in: work)
        let repo = try GitRepository.open(at: work)
        let task = Task { try await repo.fetch() }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        #expect(throws: GitError.self) { try result.get() }
        if case .failure(let error as GitError) = result { #expect(error.code == .cancelled) }
    }
}
