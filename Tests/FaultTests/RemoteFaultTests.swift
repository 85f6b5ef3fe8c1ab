import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Testing

/// A remote that refuses, resets, hangs, answers slowly or stops accepting the token: the repository is reported as
/// an infrastructure failure (exit status 3) and every other repository is still served in the same cycle.
@Suite struct RemoteFaultTests {
    static let token = "fault-token-\(UUID().uuidString)"

    /// Two repositories: `alive` on a local remote, `flaky` whose origin is the HTTP server in `mode`; both get a new
    /// commit after the first clone so that each has something to fetch.
    struct Setup {
        var root: FaultRoot
        let server: GitHTTPServer
        let flakyRemote: URL

        init(mode: GitHTTPServer.Mode, delay: Double = 1) throws {
            root = try FaultRoot(prefix: "remote-fault")
            try root.addRepository("alive")
            flakyRemote = try root.addRepository("flaky")
            server = try GitHTTPServer(root: root.scratch.url, token: RemoteFaultTests.token, mode: mode, delay: delay)
            try Shell.check(["git", "remote", "set-url", "origin", server.url("flaky.git")], in: root.checkout("flaky"))
            try root.updateEntry("flaky") { $0["url"] = server.url("flaky.git") }
        }

        func pushToBoth() throws -> (alive: String, flaky: String) {
            let alive = try root.fixture.pushCommit(to: root.scratch.appending("alive.git"), files: ["n.txt": "\(UUID())\n"])
            let flaky = try root.fixture.pushCommit(to: flakyRemote, files: ["n.txt": "\(UUID())\n"])
            return (alive, flaky)
        }
    }

    enum Fault: String, CaseIterable, Sendable {
        case refuses, resets, hangs, tooSlow
    }

    @Test(arguments: Fault.allCases)
    func aBrokenRemoteIsInfrastructureAndTheOthersAreStillBuilt(fault: Fault) async throws {
        let mode: GitHTTPServer.Mode =
            switch fault {
            case .refuses: .down
            case .resets: .reset
            case .hangs: .hang
            case .tooSlow: .slow
            }
        let setup = try Setup(mode: mode, delay: 3)
        defer {
            setup.server.stop()
            setup.root.remove()
        }
        let pushed = try setup.pushToBoth()
        let dispatcher = try setup.root.dispatcher(
            environment: ["GITHUB_TOKEN": Self.token], networkTimeout: .milliseconds(1500))

        let report = try await setup.root.cycle(dispatcher)

        let records = report.byName
        #expect(records["alive"]?.outcome == .built)
        #expect(records["alive"]?.head == pushed.alive, "the healthy repository was fast-forwarded and built")
        let flaky = try #require(records["flaky"])
        #expect(flaky.outcome == .updateFailed)
        #expect(flaky.summary.hasPrefix("remote unreachable: "), "\(flaky.summary)")
        if fault == .hangs || fault == .tooSlow { #expect(flaky.summary.contains("timed out"), "\(flaky.summary)") }
        #expect(!flaky.summary.contains(Self.token))
        #expect(report.exitStatus == 3)
        #expect(report.record.result == .infrastructure)
        // The failure is kept for `status` and backs the repository off.
        let state = try #require(try setup.root.store().repositoryStates()["flaky"])
        #expect(state.consecutiveFailures == 1)
        #expect(state.nextAttemptAt != nil)
    }

    @Test func aSlowRemoteWithinTheTimeoutIsServed() async throws {
        let setup = try Setup(mode: .slow, delay: 0.4)
        defer {
            setup.server.stop()
            setup.root.remove()
        }
        let pushed = try setup.pushToBoth()
        let dispatcher = try setup.root.dispatcher(environment: ["GITHUB_TOKEN": Self.token])

        let report = try await setup.root.cycle(dispatcher)

        #expect(report.byName["flaky"]?.outcome == .built, "\(report.byName["flaky"]?.summary ?? "")")
        #expect(report.byName["flaky"]?.head == pushed.flaky)
        #expect(report.byName["alive"]?.outcome == .built)
        #expect(report.exitStatus == 0)
    }

    @Test func aTokenRevokedBetweenCyclesIsAnAuthenticationFailureNamingTheSetting() async throws {
        let setup = try Setup(mode: .serve)
        defer {
            setup.server.stop()
            setup.root.remove()
        }
        let dispatcher = try setup.root.dispatcher(environment: ["GITHUB_TOKEN": Self.token])
        let first = try await setup.root.cycle(dispatcher)
        #expect(first.byName["flaky"]?.outcome == .built, "\(first.byName["flaky"]?.summary ?? "")")
        #expect(first.exitStatus == 0)

        try await setup.server.revokeToken()
        let pushed = try setup.pushToBoth()
        let second = try await setup.root.cycle(dispatcher)

        let flaky = try #require(second.byName["flaky"])
        #expect(flaky.outcome == .updateFailed)
        #expect(flaky.summary.contains("check GITHUB_TOKEN"), "\(flaky.summary)")
        #expect(!flaky.summary.contains(Self.token))
        #expect(second.byName["alive"]?.outcome == .built)
        #expect(second.byName["alive"]?.head == pushed.alive)
        #expect(second.exitStatus == 3)
        // `status` shows it too.
        let status = try StatusReport.load(root: setup.root.root)
        let shown = try #require(status.repos.first { $0.name == "flaky" })
        #expect(shown.lastCycle?.summary.contains("check GITHUB_TOKEN") == true)
        #expect(shown.consecutiveFailures == 1)
    }
}
