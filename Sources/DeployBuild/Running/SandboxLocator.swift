import Foundation

/// Which sandbox verification uses (`DISPATCHER_SANDBOX`).
public enum SandboxChoice: String, Sendable, Hashable, CaseIterable {
    /// bubblewrap on Linux, `sandbox-exec` on macOS, when it is there and works; else none, said at start-up.
    case auto
    /// bubblewrap, required: its absence is a configuration error.
    case bwrap
    /// No sandbox: an explicit opt-out, logged at start-up.
    case none
}

/// Finds the sandbox tool for a ``SandboxChoice``: looks the tool up and runs it once (a sandbox that cannot start,
/// as in a container without user namespaces, is no sandbox).
public struct SandboxLocator: Sendable {
    /// What the choice comes to on this machine.
    public enum Availability: Sendable, Hashable {
        case available(StepSandbox.Tool)
        /// No sandbox, with the reason (opted out, or none found).
        case unavailable(reason: String)
    }

    public var runner: StepRunner
    /// `PATH` to look the tools up on.
    public var searchPath: String

    public init(
        runner: StepRunner = StepRunner(),
        searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    ) {
        self.runner = runner
        self.searchPath = searchPath
    }

    /// The tool for `choice`, found and tried once (it runs `true` in a sandbox like the ones verification makes).
    /// - Throws: ``BuildError`` when `choice` is ``SandboxChoice/bwrap`` and bubblewrap is missing or cannot start.
    public func locate(_ choice: SandboxChoice) async throws(BuildError) -> Availability {
        try await confirm(find(choice), for: choice)
    }

    /// The tool for `choice` as found on this machine, without starting it: what a command says at start-up, before
    /// it knows whether it will verify anything (``confirm(_:for:)`` tries it then).
    /// - Throws: ``BuildError`` when `choice` is ``SandboxChoice/bwrap`` and bubblewrap is not installed.
    public func find(_ choice: SandboxChoice) throws(BuildError) -> Availability {
        switch choice {
        case .none:
            return .unavailable(reason: "DISPATCHER_SANDBOX=none: verification builds run without a sandbox")
        case .bwrap:
            guard let path = find("bwrap") else {
                throw BuildError(
                    .sandboxUnavailable,
                    "DISPATCHER_SANDBOX=bwrap, but bwrap is not on PATH (install bubblewrap: apt-get install bubblewrap)")
            }
            return .available(.bubblewrap(path))
        case .auto:
            #if os(macOS)
                let path = "/usr/bin/sandbox-exec"
                guard FileManager.default.isExecutableFile(atPath: path) else {
                    return .unavailable(reason: "no sandbox-exec on this Mac: verification builds run without a sandbox")
                }
                return .available(.sandboxExec(path))
            #else
                guard let path = find("bwrap") else {
                    return .unavailable(
                        reason: "bubblewrap (bwrap) is not installed: verification builds run without a sandbox "
                            + "(apt-get install bubblewrap)")
                }
                return .available(.bubblewrap(path))
            #endif
        }
    }

    /// `availability` after trying its tool once: a sandbox that cannot start (a container without user namespaces)
    /// is no sandbox.
    /// - Throws: ``BuildError`` when `choice` is ``SandboxChoice/bwrap`` and the tool cannot start.
    public func confirm(_ availability: Availability, for choice: SandboxChoice) async throws(BuildError)
        -> Availability
    {
        guard case .available(let tool) = availability, let failure = await probe(tool) else { return availability }
        if choice == .bwrap {
            throw BuildError(.sandboxUnavailable, "DISPATCHER_SANDBOX=bwrap, but \(tool) cannot start a sandbox: \(failure)")
        }
        return .unavailable(reason: "\(tool) cannot start a sandbox here (\(failure)): verification builds run without one")
    }

    /// `nil` when `tool` runs `true` in a sandbox like the ones verification makes; else what went wrong.
    func probe(_ tool: StepSandbox.Tool) async -> String? {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("deployctl-sandbox-probe-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let sandbox = StepSandbox(tool: tool, writable: [scratch], hidden: [], allowsNetwork: false, home: scratch)
        let sink = DiscardingSink()
        let step = BuildStep(
            name: "sandbox-probe", command: ["/bin/sh", "-c", "true"], workingDirectory: scratch, timeout: .seconds(20),
            gracePeriod: .seconds(1), sandbox: sandbox)
        let outcome = await runner.run(step, log: sink)
        guard case .passed = outcome.result else {
            let said = outcome.lastLines.last.map { ": \($0)" } ?? ""
            return "\(outcome.result)\(said)"
        }
        return nil
    }

    private func find(_ name: String) -> String? {
        for folder in searchPath.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
