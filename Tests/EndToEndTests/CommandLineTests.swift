import DeployTestSupport
import Foundation
import Testing

/// The CLI's surface through the built binary: help, exit statuses, configuration errors.
@Suite struct CommandLineTests {
    @Test func helpListsEverySubcommand() throws {
        let help = try Deployctl.run(["--help"])
        #expect(help.status == 0)
        for command in ["run-once", "loop", "status", "apply-feedback", "analyze"] {
            #expect(help.stdout.contains(command), "--help does not list \(command)")
        }
    }

    @Test(arguments: ["run-once", "loop", "status", "apply-feedback", "analyze"])
    func eachSubcommandExplainsItsFlags(_ command: String) throws {
        let help = try Deployctl.run([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--root") || command == "analyze")
        #expect(help.stdout.contains("OVERVIEW:"))
    }

    @Test func everySubcommandButAnalyzeTakesRootAsTheHandbookSays() throws {
        for command in ["run-once", "loop", "status", "apply-feedback", "analyze"] {
            let help = try Deployctl.run([command, "--help"])
            #expect(help.stdout.contains("--root") == (command != "analyze"), "\(command)")
        }
        let handbook = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/README.md"),
            encoding: .utf8)
        #expect(handbook.contains("Every subcommand but `analyze`"))
    }

    @Test func aBadVariableExitsWithStatusTwoNamingIt() throws {
        try ScratchDirectory.withSync { scratch in
            let result = try Deployctl.run(
                ["status", "--root", scratch.path], environment: ["DISPATCHER_INTERVAL": "soon"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("DISPATCHER_INTERVAL"))
            #expect(result.stderr.contains("'soon'"))
            #expect(result.stderr.contains("an integer > 0"))
        }
    }

    @Test func aMalformedDispatcherEnvExitsWithStatusTwoNamingFileAndLine() throws {
        try ScratchDirectory.withSync { scratch in
            try Data("DISPATCHER_INTERVAL=5\nthis is not an assignment\n".utf8)
                .write(to: scratch.appending("dispatcher.env"))
            let result = try Deployctl.run(["status", "--root", scratch.path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("dispatcher.env:2"))
        }
    }

    @Test func unknownFlagsAndMissingRootsAreUsageErrors() throws {
        #expect(try Deployctl.run(["status", "--no-such-flag"]).status == 2)
        #expect(try Deployctl.run(["status", "--root", "/nonexistent/root"]).status == 2)
        #expect(try Deployctl.run(["status", "--set", "NOT_A_VARIABLE=1"]).status == 2)
        let secret = try Deployctl.run(["status", "--set", "GITHUB_TOKEN=abc"])
        #expect(secret.status == 2)
        #expect(secret.stderr.contains("secrets are read from the environment"))
    }

    @Test func statusConfigShowsSecretsOnlyAsSetAndNamesOrigins() throws {
        try ScratchDirectory.withSync { scratch in
            try Data("SWIFTPM_NUM_JOBS=3\n".utf8).write(to: scratch.appending("dispatcher.env"))
            let result = try Deployctl.run(
                ["status", "--root", scratch.path, "--config", "--set", "DISPATCHER_INTERVAL=7"],
                environment: ["GITHUB_TOKEN": "ghp_e2e_secret_token"])
            #expect(result.status == 0)
            #expect(!result.stdout.contains("ghp_e2e_secret_token"))
            #expect(!result.stderr.contains("ghp_e2e_secret_token"))
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("GITHUB_TOKEN") && $0.contains("set") && $0.contains("environment") })
            #expect(lines.contains { $0.hasPrefix("SWIFTPM_NUM_JOBS") && $0.contains("3") && $0.contains("dispatcher.env:1") })
            #expect(lines.contains { $0.hasPrefix("DISPATCHER_INTERVAL") && $0.contains("7") && $0.contains("flag --set") })
            #expect(
                lines.contains { $0.hasPrefix("DEPLOY_ROOT") && $0.contains(scratch.path) && $0.contains("flag --root") },
                "\(result.stdout)")
        }
    }

    @Test func theSeedsDispatcherEnvWithEmptyTokensAndIdentityMeansUnset() throws {
        try ScratchDirectory.withSync { scratch in
            try Data(SeedRootFixture.dispatcherEnv.utf8).write(to: scratch.appending("dispatcher.env"))
            let home = scratch.appending("home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let result = try Deployctl.run(
                ["status", "--root", scratch.path, "--config"],
                environment: ["HOME": home.path, "DISPATCHER_STEP_TIMEOUT": "", "DEPLOY_ROOT": ""])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(lines.contains("GIT_USER_NAME deployctl default"), "\(result.stdout)")
            #expect(lines.contains("GIT_USER_EMAIL deployctl@localhost default"))
            #expect(lines.contains("GITHUB_TOKEN not set default"))
            #expect(lines.contains("OPENAI_API_KEY not set default"))
            #expect(lines.contains("DISPATCHER_STEP_TIMEOUT 1800 default"), "an empty environment value is unset too")
            #expect(lines.contains { $0.hasPrefix("DISPATCHER_INTERVAL 60 ") && $0.hasSuffix("dispatcher.env:2") })
        }
    }
}

extension CommandLineTests {
    @Test func theCommitIdentityFallsBackToGitConfigThenToDeployctl() throws {
        try ScratchDirectory.withSync { scratch in
            let home = scratch.appending("home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let bare = try Deployctl.run(["status", "--root", scratch.path, "--config"], environment: ["HOME": home.path])
            #expect(bare.stdout.split(separator: "\n").contains { $0.hasPrefix("GIT_USER_NAME") && $0.contains("deployctl") && $0.contains("default") })
            try Data("[user]\n\tname = Config Person\n\temail = person@example.com\n".utf8)
                .write(to: home.appendingPathComponent(".gitconfig"))
            let configured = try Deployctl.run(["status", "--root", scratch.path, "--config"], environment: ["HOME": home.path])
            #expect(configured.stdout.split(separator: "\n").contains { $0.hasPrefix("GIT_USER_NAME") && $0.contains("Config Person") && $0.contains("git config") })
            #expect(configured.stdout.split(separator: "\n").contains { $0.hasPrefix("GIT_USER_EMAIL") && $0.contains("person@example.com") })
        }
    }
}
