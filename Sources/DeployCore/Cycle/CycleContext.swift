import DeployBuild
import DeployFeedback
import DeployGit
import Foundation
import Logging

/// What every phase of one cycle reads, built once when the cycle starts: the root, its configuration, the manifest
/// as loaded for this cycle, the git credentials, the toolchain, the cycle's log, each repository's state before the
/// cycle, the store and the logger.
///
/// Immutable: a phase returns what it did as a typed result, and the ``Dispatcher`` records it. A command that is
/// not a cycle (`apply-feedback`) builds one too, without a cycle log, and with a toolchain only when it verifies.
struct CycleContext: Sendable {
    let root: DeployRoot
    let configuration: DispatcherConfiguration
    let manifest: Manifest
    /// The token for git remotes (`GITHUB_TOKEN`), given to libgit2's credential callback only.
    let credentials: GitCredentials
    /// The toolchain builds and verifications use; `nil` outside a cycle until something needs it.
    let toolchain: Toolchain?
    /// The cycle's log, created on first use; `nil` outside a cycle (restart output then goes to `restart.log`).
    let log: CycleLog?
    /// Each repository's stored state before this cycle, by name.
    let previous: [String: RepositoryState]
    let store: any StateStore
    let logger: Logger
    let observer: (@Sendable (CycleEvent) -> Void)?
    /// How long one fetch, push or clone may take.
    let networkTimeout: Duration
    /// Fault injection for crash tests; injects nothing outside them.
    let faults: FaultInjection

    /// The repositories this root manages: folders under `repos/` and manifest entries, sorted by name.
    var managedRepositories: [RepositoryName] {
        Self.managedRepositories(root: root, manifest: manifest)
    }

    static func managedRepositories(root: DeployRoot, manifest: Manifest) -> [RepositoryName] {
        Set(root.repositoryFolders().names).union(manifest.repositories.map(\.name)).sorted()
    }

    /// The build settings of one repository in a cycle: configuration plus its manifest overrides.
    func buildSettings(for name: RepositoryName) -> RepositoryBuildSettings {
        let entry = manifest.repository(named: name)
        return RepositoryBuildSettings(
            jobs: configuration.swiftpmJobs, buildCommand: entry?.buildCommand, testCommand: entry?.testCommand,
            timeout: .seconds(configuration.stepTimeout), dockerBuild: configuration.buildDocker,
            runE2E: configuration.runE2E, inheritedVariables: entry?.environmentNames ?? [])
    }

    /// The settings a feedback patch for `name` is verified with: the manifest's `build`/`test` commands for that
    /// repository (as in a cycle), one attempt at the tests (a flaky pass is not a green verification), no Docker
    /// image and no end-to-end tests.
    func verificationSettings(for name: String?) -> RepositoryBuildSettings {
        let entry = manifest.repositories.first { $0.name.rawValue == name }
        return RepositoryBuildSettings(
            jobs: configuration.swiftpmJobs, buildCommand: entry?.buildCommand, testCommand: entry?.testCommand,
            timeout: .seconds(configuration.stepTimeout), retryFailedTests: false,
            inheritedVariables: entry?.environmentNames ?? [])
    }

    /// The same context with `toolchain`.
    func with(toolchain: Toolchain) -> CycleContext {
        CycleContext(
            root: root, configuration: configuration, manifest: manifest, credentials: credentials,
            toolchain: toolchain, log: log, previous: previous, store: store, logger: logger, observer: observer,
            networkTimeout: networkTimeout, faults: faults)
    }

    /// A step runner that reaches the context's fault points.
    var stepRunner: StepRunner { StepRunner(faults: faults) }

    /// The toolchain of the context, or the one found now.
    func locatedToolchain() async throws(BuildError) -> Toolchain {
        if let toolchain { return toolchain }
        return try await Self.locateToolchain(root: root, configuration: configuration)
    }

    /// The Swift toolchain to build with. An unchanged toolchain's version comes from the cache in `deploy/`,
    /// without starting the compiler driver.
    static func locateToolchain(root: DeployRoot, configuration: DispatcherConfiguration) async throws(BuildError)
        -> Toolchain
    {
        try await ToolchainLocator(probe: .current(environment: ProcessInfo.processInfo.environment))
            .locate(override: configuration.swiftOverride, cache: ToolchainVersionCache(file: root.toolchainVersionCache))
    }

    /// ``locateToolchain(root:configuration:)`` as a value, for a lookup that runs beside other work (`async let`).
    static func toolchainLookup(root: DeployRoot, configuration: DispatcherConfiguration) async
        -> Result<Toolchain, BuildError>
    {
        do { return .success(try await locateToolchain(root: root, configuration: configuration)) } catch {
            return .failure(error)
        }
    }

    /// A stable text of the settings, stored with each build; a change rebuilds.
    static func fingerprint(_ settings: RepositoryBuildSettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(settings), as: UTF8.self)) ?? ""
    }
}
