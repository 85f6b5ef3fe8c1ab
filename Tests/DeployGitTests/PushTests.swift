import DeployGit
import DeployTestSupport
import Foundation
import Testing

@Suite struct PushTests {
    @Test func fastForwardPushUpdatesTheRemote() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let commit = try box.fixture.commit(["a.txt": "a\n"], in: work)
        try await GitRepository.open(at: work).push(branch: "main")
        #expect(try Shell.check(["git", "rev-parse", "main"], in: remote) == commit)
    }

    @Test func nonFastForwardPushIsRejected() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let theirs = try box.fixture.pushCommit(to: remote, files: ["theirs.txt": "t\n"])
        try box.fixture.commit(["mine.txt": "m\n"], in: work)
        let repo = try GitRepository.open(at: work)
        try await repo.fetch()
        let error = await #expect(throws: GitError.self) { try await repo.push(branch: "main") }
        #expect(error?.code == .pushRejected)
        #expect(try Shell.check(["git", "rev-parse", "main"], in: remote) == theirs)
    }

    @Test func serverSideRejectionIsPushRejected() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let before = try Shell.check(["git", "rev-parse", "main"], in: remote)
        let hook = remote.appendingPathComponent("hooks/pre-receive")
        try Data("#!/bin/sh\necho 'no pushes today' >&2\nexit 1\n".utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        // libgit2's local transport writes into the bare repository directly and runs no hooks; the smart-HTTP
        // server runs the real receive-pack, which runs the hook.
        let server = try GitHTTPServer(root: box.scratch.url, token: "push-token")
        defer { server.stop() }
        let work = try box.fixture.clone(remote, as: "app")
        try Shell.check(["git", "remote", "set-url", "origin", server.url("app.git")], in: work)
        try box.fixture.commit(["a.txt": "a\n"], in: work)
        let error = await #expect(throws: GitError.self) {
            try await GitRepository.open(at: work).push(
                branch: "main", credentials: GitCredentials(token: "push-token"), timeout: .seconds(60))
        }
        #expect(error?.code == .pushRejected)
        #expect(error?.message.contains("refs/heads/main") == true)
        #expect(try Shell.check(["git", "rev-parse", "main"], in: remote) == before)
    }

    @Test func leaseHoldsThenForcePushes() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        let base = try repo.resolve("HEAD")
        try box.fixture.commit(["v1.txt": "1\n"], in: work)
        try await repo.push(branch: "main", to: "feedback", lease: .expectAbsent)
        let first = try repo.resolve("HEAD")
        #expect(try Shell.check(["git", "rev-parse", "feedback"], in: remote) == first.hex)
        // Rewrite the branch (not a fast-forward) and force it, expecting the remote still at `first`.
        try repo.createBranch("rewrite", at: base)
        try repo.checkout(branch: "rewrite")
        try box.fixture.commit(["v2.txt": "2\n"], in: work)
        let second = try repo.resolve("HEAD")
        try await repo.push(branch: "rewrite", to: "feedback", lease: .expect(first))
        #expect(try Shell.check(["git", "rev-parse", "feedback"], in: remote) == second.hex)
    }

    @Test func staleLeaseIsRejectedAndRemoteUntouched() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let remote = try box.fixture.makeRemote("app")
        let work = try box.fixture.clone(remote, as: "app")
        let repo = try GitRepository.open(at: work)
        let expected = try repo.resolve("HEAD")
        let someoneElse = try box.fixture.pushCommit(to: remote, files: ["other.txt": "o\n"])
        try box.fixture.commit(["mine.txt": "m\n"], in: work)
        let error = await #expect(throws: GitError.self) {
            try await repo.push(branch: "main", lease: .expect(expected))
        }
        #expect(error?.code == .pushRejected)
        #expect(error?.message.contains("stale lease") == true)
        #expect(try Shell.check(["git", "rev-parse", "main"], in: remote) == someoneElse)
        // "Must not exist" fails when the branch exists.
        let absent = await #expect(throws: GitError.self) {
            try await repo.push(branch: "main", lease: .expectAbsent)
        }
        #expect(absent?.code == .pushRejected)
    }
}
