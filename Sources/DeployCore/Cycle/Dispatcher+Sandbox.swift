import DeployBuild
import Foundation
import Logging
import Synchronization

extension Dispatcher {
    /// The sandbox feedback verification runs in (`DISPATCHER_SANDBOX`), found once per dispatcher: the tool, and
    /// what it keeps out of sight — the whole deploy root (its `dispatcher.env`, state store, logs, `commands/`,
    /// `feedback/` and the other repositories; the verification worktree under `deploy/worktrees` is shown again)
    /// and the dispatcher's home folder (SSH keys, git credentials), with the toolchain shown again when it lives
    /// there.
    ///
    /// - Returns: the settings, or `nil` with the reason there is no sandbox (``SandboxLocator/Availability``).
    /// - Throws: ``DispatcherError`` when `DISPATCHER_SANDBOX=bwrap` and bubblewrap is missing or cannot start.
    public func verificationSandbox() async throws(DispatcherError) -> (
        settings: SandboxSettings?, availability: SandboxLocator.Availability
    ) {
        let availability: SandboxLocator.Availability
        if let known = sandboxAvailability.withLock({ $0 }), known.isConfirmed {
            availability = known.availability
        } else {
            // Found at start-up (without starting it) or not at all: tried once now, when it is first needed.
            do throws(BuildError) {
                let locator = SandboxLocator(runner: StepRunner(faults: faults))
                let found: SandboxLocator.Availability
                if let known = sandboxAvailability.withLock({ $0 }) {
                    found = known.availability
                } else {
                    found = try locator.find(configuration.sandbox)
                }
                availability = try await locator.confirm(found, for: configuration.sandbox)
                if case .unavailable(let reason) = availability, case .available = found {
                    logger.warning("no verification sandbox: \(reason)")
                }
            } catch {
                throw Self.sandboxError(error)
            }
            sandboxAvailability.withLock { $0 = (availability, true) }
        }
        guard case .available(let tool) = availability else { return (nil, availability) }
        var hidden = [root.url]
        var readable: [URL] = []
        if let home = ProcessInfo.processInfo.environment["HOME"].flatMap({ $0.isEmpty ? nil : URL(fileURLWithPath: $0) }),
            home.standardizedFileURL.path != "/"
        {
            hidden.append(home)
            if let swift = try? await CycleContext.locateToolchain(root: root, configuration: configuration).command.first(where: { $0.hasPrefix("/") }) {
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

    /// What `DISPATCHER_SANDBOX` comes to on this machine, looked up without a dispatcher and without starting the
    /// tool (before the root's lock is taken, so that a command starts at once; hand it to
    /// ``init(root:configuration:command:logger:networkTimeout:backoff:verificationSandbox:)``, which tries it the
    /// first time a patch is verified).
    /// - Throws: ``DispatcherError`` when `DISPATCHER_SANDBOX=bwrap` and bubblewrap is not installed.
    public static func locateVerificationSandbox(_ configuration: DispatcherConfiguration) throws(DispatcherError)
        -> SandboxLocator.Availability
    {
        do { return try SandboxLocator().find(configuration.sandbox) } catch { throw sandboxError(error) }
    }

    private static func sandboxError(_ error: BuildError) -> DispatcherError {
        DispatcherError(
            .invalidValue, location: ConfigurationTable.sandbox.name, found: error.message,
            accepted: "auto or none, or bubblewrap installed and able to start")
    }
}
