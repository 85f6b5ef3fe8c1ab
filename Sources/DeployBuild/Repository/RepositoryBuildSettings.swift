/// How one repository is built and tested. DeployCore fills it from the configuration and the manifest.
public struct RepositoryBuildSettings: Sendable, Codable, Hashable {
    /// Parallel build jobs (`SWIFTPM_NUM_JOBS`), passed as `--jobs`; `nil` lets SwiftPM decide.
    public var jobs: Int?
    /// A manifest override for the build step (e.g. `["make"]` for a non-Swift repository); `nil` runs `swift build`.
    public var buildCommand: [String]?
    /// A manifest override for the test step; `nil` runs `run-tests.sh` when present, else `swift test`.
    public var testCommand: [String]?
    /// The limit for each step.
    public var timeout: Duration
    /// Build a Docker image where a `Dockerfile` exists (`DISPATCHER_BUILD_DOCKER`).
    public var dockerBuild: Bool
    /// Run `docker compose` end-to-end tests where a compose file exists (`DISPATCHER_RUN_E2E`).
    public var runE2E: Bool
    /// Retry a failed `swift test` serially, then with fewer jobs; a later pass is reported as flaky.
    public var retryFailedTests: Bool
    /// Extra environment for every step.
    public var environment: [String: String]
    /// Variables of the dispatcher's environment passed to every step by name (the manifest's `env`), beyond
    /// ``StepEnvironment``'s allow-list; secrets are never passed.
    public var inheritedVariables: [String]

    /// Creates settings.
    public init(
        jobs: Int? = nil,
        buildCommand: [String]? = nil,
        testCommand: [String]? = nil,
        timeout: Duration = .seconds(30 * 60),
        dockerBuild: Bool = false,
        runE2E: Bool = false,
        retryFailedTests: Bool = true,
        environment: [String: String] = [:],
        inheritedVariables: [String] = []
    ) {
        self.jobs = jobs
        self.buildCommand = buildCommand
        self.testCommand = testCommand
        self.timeout = timeout
        self.dockerBuild = dockerBuild
        self.runE2E = runE2E
        self.retryFailedTests = retryFailedTests
        self.environment = environment
        self.inheritedVariables = inheritedVariables
    }
}
