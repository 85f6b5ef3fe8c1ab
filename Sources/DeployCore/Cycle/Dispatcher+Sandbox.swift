import DeployBuild
import Foundation
import Synchronization

extension Dispatcher {
    /// The sandbox feedback verification runs in (`DISPATCHER_SANDBOX`), found once per dispatcher: the tool, and
    /// what it keeps out of sight — the whole deploy root (its `dispatcher.env`, state store, logs, `commands/`,
    /// `feedback/` and the other repositories; the verification worktree under `deploy/worktrees` is shown again)
    /// and the dispatcher's home folder (SSH keys, git credentials), with the toolchain shown again when it lives
    /// there.
    ///
    /// - Returns: the settings, or `nil` with the reason there is no sandbox (``SandboxLocator/Availability``).
    /// - Throws: ``ConfigurationError`` when `DISPATCHER_SANDBOX=bwrap` and bubblewrap is missing or cannot start.
    public func verificationSandbox() async throws(ConfigurationError) -> (
        settings: SandboxSettings?, availability: SandboxLocator.Availability
    ) {
        let availability: SandboxLocator.Availability
        if let known = sandboxAvailability.withLock({ $0 }) {
            availability = known
        } else {
            availability = try await Self.locateVerificationSandbox(configuration)
            sandboxAvailability.withLock { $0 = availability }
        }
        guard case .available(let tool) = availability else { return (nil, availability) }
        var hidden = [root.url]
        var readable: [URL] = []
        if let home = ProcessInfo.processInfo.environment["HOME"].flatMap({ $0.isEmpty ? nil : URL(fileURLWithPath: $0) }),
            home.standardizedFileURL.path != "/"
        {
            hidden.append(home)
            if let swift = try? await locateToolchain().command.first(where: { $0.hasPrefix("/") }) {
                // The toolchain's install prefix (…/usr/bin/swift → …), shown again when the home hides it.
                readable.append(
                    URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent()
                        .deletingLastPathComponent().deletingLastPathComponent())
            }
        }
        return (
            SandboxSettings(tool: tool, hidden: hidden, readable: readable, allowsNetwork: configuration.verifyNetwork),
            availability
        )
    }

    /// What `DISPATCHER_SANDBOX` comes to on this machine, looked for without a dispatcher (before the root's lock is
    /// taken; hand it to ``init(root:configuration:command:logger:networkTimeout:backoff:verificationSandbox:)``).
    /// - Throws: ``ConfigurationError`` when `DISPATCHER_SANDBOX=bwrap` and bubblewrap is missing or cannot start.
    public static func locateVerificationSandbox(_ configuration: DispatcherConfiguration) async
        throws(ConfigurationError) -> SandboxLocator.Availability
    {
        do { return try await SandboxLocator().locate(configuration.sandbox) } catch {
            throw ConfigurationError(
                .invalidValue, location: ConfigurationTable.sandbox.name, found: error.message,
                accepted: "auto or none, or bubblewrap installed and able to start")
        }
    }
}
