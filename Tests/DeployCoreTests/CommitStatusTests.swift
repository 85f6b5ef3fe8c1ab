import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Testing

/// Commit statuses go to the forge of the repository's remote, checked against the published API descriptions.
@Suite struct CommitStatusTests {
    @Test(arguments: ForgeContractServer.Flavor.allCases)
    func eachBuildPostsPendingThenItsResult(flavor: ForgeContractServer.Flavor) async throws {
        let server = try ForgeContractServer(flavor: flavor)
        defer { server.stop() }
        try await ScratchDirectory.with(prefix: "status") { scratch in
            let fixture = GitFixture(scratch: scratch)
            try FileManager.default.createDirectory(at: scratch.appending("octo"), withIntermediateDirectories: true)
            let remote = try fixture.makeRemote("octo/app", files: ["README.md": "app\n"])
            let rootURL = scratch.appending("root")
            try fixture.clone(remote, as: "root/repos/app")
            let manifest = """
                {"repositories": [{"name": "app", "url": "\(remote.path)", "build": ["true"], "test": ["false"],
                  "forge": "\(flavor == .github ? "github" : "gitea")", "forgeAPI": "\(server.apiBase.absoluteString)"}]}
                """
            try Data(manifest.utf8).write(to: rootURL.appendingPathComponent("deployctl.json"))
            let configuration = try ConfigurationLoader(
                environment: ["GITHUB_TOKEN": server.token, "DISPATCHER_COMMIT_STATUS": "1", "DISPATCHER_USE_PRS": "0"]
            ).load(root: rootURL)
            let dispatcher = try Dispatcher.open(
                root: DeployRoot(url: rootURL), configuration: configuration, logger: Logger(label: "test"))

            let report = try await dispatcher.runCycle(CycleOptions(processFeedback: false))
            #expect(report.exitStatus == 1, "the test step fails")

            let head = try Shell.check(["git", "rev-parse", "HEAD"], in: rootURL.appendingPathComponent("repos/app"))
            let forgeReport = try await server.report()
            #expect(forgeReport.violations.isEmpty, "\(forgeReport.violations)")
            let statuses = forgeReport.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/statuses/\(head)") }
            #expect(statuses.count == 2)
            #expect(statuses.first?.body.contains("\"pending\"") == true)
            #expect(statuses.last?.body.contains("\"failure\"") == true)
            #expect(statuses.allSatisfy { $0.path.contains("/repos/octo/app/") })
        }
    }
}
