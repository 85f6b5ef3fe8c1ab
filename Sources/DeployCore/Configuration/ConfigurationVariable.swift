/// One variable deployctl reads from flags, the environment or `dispatcher.env`.
///
/// ``all`` is the single list of every variable: the loader reads from it, `status --config` prints it, and a test
/// checks that `docs/environment-variables.md` documents exactly these names.
public struct ConfigurationVariable: Sendable, Hashable {
    /// The environment variable's name, e.g. `DISPATCHER_INTERVAL`.
    public let name: String
    /// The default as shown to people.
    public let defaultDescription: String
    /// One line on what it does.
    public let meaning: String
    /// Secrets are shown as `set`/`not set` only.
    public let isSecret: Bool

    init(_ name: String, default defaultDescription: String, secret: Bool = false, _ meaning: String) {
        self.name = name
        self.defaultDescription = defaultDescription
        self.meaning = meaning
        self.isSecret = secret
    }
}

extension ConfigurationVariable {
    static let deployRoot = Self(
        "DEPLOY_ROOT", default: "the current directory", "deploy root folder when --root is not given")
    static let interval = Self(
        "DISPATCHER_INTERVAL", default: "60", "seconds between loop cycles (integer > 0)")
    static let usePullRequests = Self(
        "DISPATCHER_USE_PRS", default: "1", "1: publish feedback through a pull request; 0: push directly to the branch")
    static let githubToken = Self(
        "GITHUB_TOKEN", default: "none", secret: true, "token for fetch/push over HTTPS and for the forge API")
    static let gitUserName = Self(
        "GIT_USER_NAME", default: "git config user.name, else deployctl", "name of the commit identity")
    static let gitUserEmail = Self(
        "GIT_USER_EMAIL", default: "git config user.email, else deployctl@localhost", "email of the commit identity")
    static let openAIAPIKey = Self(
        "OPENAI_API_KEY", default: "none", secret: true,
        "key for an OpenAI-compatible API: when set, commit messages are generated and fixes can be proposed")
    static let openAIAPIBase = Self(
        "OPENAI_API_BASE", default: "https://api.openai.com/v1",
        "base URL of an OpenAI-compatible API (chat completions at /chat/completions, which may end the value)")
    static let openAIModel = Self(
        "OPENAI_MODEL", default: "gpt-4o-mini", "model asked for commit messages and proposed fixes")
    static let proposeFixes = Self(
        "DISPATCHER_PROPOSE_FIXES", default: "0",
        "1: after a red build of a new commit, ask the model for a fix, verified as feedback (needs OPENAI_API_KEY)")
    static let proposeAttempts = Self(
        "DISPATCHER_PROPOSE_ATTEMPTS", default: "2", "fixes proposed per red commit before deployctl stops asking")
    static let modelTimeout = Self(
        "DISPATCHER_MODEL_TIMEOUT", default: "120", "seconds one request to the model may take")
    static let proposePromptBytes = Self(
        "DISPATCHER_PROPOSE_PROMPT_BYTES", default: "49152", "largest prompt sent for a fix, in bytes")
    static let buildDocker = Self(
        "DISPATCHER_BUILD_DOCKER", default: "0", "build an image for each repository with a Dockerfile")
    static let runE2E = Self(
        "DISPATCHER_RUN_E2E", default: "0", "run `docker compose` integration tests where a compose file exists")
    static let swiftpmJobs = Self(
        "SWIFTPM_NUM_JOBS", default: "2", "`--jobs` for swift build and swift test (integer > 0)")
    static let swiftOverride = Self(
        "DEPLOY_SWIFT", default: "xcrun swift on macOS with Xcode, else swift on PATH",
        "path of the swift executable to build with")
    static let fetchConcurrency = Self(
        "DISPATCHER_FETCH_CONCURRENCY", default: "4", "repositories fetched at the same time (integer > 0)")
    static let stepTimeout = Self(
        "DISPATCHER_STEP_TIMEOUT", default: "1800", "seconds a build or test step may run before it is killed")
    static let verifyFeedback = Self(
        "DISPATCHER_VERIFY_FEEDBACK", default: "1",
        "build and test a feedback patch in a throwaway worktree, in the sandbox, before committing it (0 for trusted sources)")
    static let sandbox = Self(
        "DISPATCHER_SANDBOX", default: "auto",
        "auto: verify in bubblewrap (Linux) or sandbox-exec (macOS) when present, else say so; bwrap: require it; none: opt out")
    static let verifyNetwork = Self(
        "DISPATCHER_VERIFY_NETWORK", default: "1",
        "1: verification steps may use the network (SwiftPM resolves dependencies); 0: none, in the sandbox")
    static let feedbackMaxBytes = Self(
        "DISPATCHER_FEEDBACK_MAX_BYTES", default: "1048576", "largest feedback file accepted, in bytes")
    static let logRetentionCount = Self(
        "DISPATCHER_LOG_KEEP", default: "100", "cycle logs kept in deploy/logs (older ones are removed)")
    static let githubAPIURL = Self(
        "GITHUB_API_URL", default: "https://api.github.com",
        "GitHub's REST API root (GitHub Enterprise: https://HOST/api/v3), for remotes on github.com and on its host")
    static let prPollInterval = Self(
        "DISPATCHER_PR_POLL_INTERVAL", default: "30", "seconds between polls of a pull request's merge state")
    static let prTimeout = Self(
        "DISPATCHER_PR_TIMEOUT", default: "86400",
        "seconds a pull request may stay open before its feedback is rejected")
    static let commitStatus = Self(
        "DISPATCHER_COMMIT_STATUS", default: "0",
        "1: post a commit status (pending, then success/failure/error) for each build to the repository's forge")
    static let commitLogs = Self(
        "DISPATCHER_COMMIT_LOGS", default: "0",
        "1: commit each cycle log whose results changed into the deploy root's git repository and push it")
    static let logRetentionDays = Self(
        "DISPATCHER_LOG_MAX_AGE_DAYS", default: "30", "cycle logs older than this many days are removed")
    static let changelog = Self(
        "DISPATCHER_CHANGELOG", default: "1",
        "1: each applied feedback adds an entry to CHANGELOG.md of its repository, in the same commit")
    static let prComment = Self(
        "DISPATCHER_PR_COMMENT", default: "1",
        "1: comment on a feedback pull request with the verification summary once it is opened")

    /// Every variable deployctl reads, in the order `status --config` shows them.
    public static let all: [ConfigurationVariable] = [
        .deployRoot, .interval, .usePullRequests, .githubToken, .gitUserName, .gitUserEmail, .openAIAPIKey,
        .openAIAPIBase, .buildDocker, .runE2E, .swiftpmJobs, .swiftOverride, .fetchConcurrency, .stepTimeout,
        .verifyFeedback, .sandbox, .verifyNetwork, .feedbackMaxBytes, .logRetentionCount, .logRetentionDays, .githubAPIURL, .prPollInterval,
        .prTimeout, .commitStatus, .commitLogs, .openAIModel, .proposeFixes, .proposeAttempts, .modelTimeout,
        .proposePromptBytes,
        .changelog, .prComment,
    ]
}
