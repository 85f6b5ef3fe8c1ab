import DeployBuild
import DeployFeedback
import DeployHTTP
import Foundation

/// Every configuration variable deployctl reads, each declared once (see ``ConfigurationSetting``).
///
/// A setting's `meaning` and default are the row `docs/environment-variables.md` must have for it, word for word;
/// the loader, `status --config`, `--set` and ``ConfigurationVariable/all`` all read this table.
enum ConfigurationTable {
    static let deployRoot = ConfigurationSetting(
        "DEPLOY_ROOT", \.deployRootDisplay, .text, default: "",
        source: .deployRoot, defaultInWords: "the current directory",
        "deploy root folder when `--root` is not given")
    static let interval = ConfigurationSetting(
        "DISPATCHER_INTERVAL", \.interval, .positiveInteger, default: 60,
        "seconds between loop cycles (integer > 0)")
    static let usePullRequests = ConfigurationSetting(
        "DISPATCHER_USE_PRS", \.usePullRequests, .boolean, default: true,
        "`1`: publish feedback through a pull request; `0`: push directly to the branch")
    static let githubToken = ConfigurationSetting(
        "GITHUB_TOKEN", \.githubToken, .secret, default: nil,
        "token for fetch/push over HTTPS and for the forge API")
    static let gitUserName = ConfigurationSetting(
        "GIT_USER_NAME", \.gitUserName, .text, default: "deployctl",
        source: .layersThenGitConfig(key: "user.name", \.name),
        "name of the commit identity")
    static let gitUserEmail = ConfigurationSetting(
        "GIT_USER_EMAIL", \.gitUserEmail, .text, default: "deployctl@localhost",
        source: .layersThenGitConfig(key: "user.email", \.email),
        "email of the commit identity")
    static let openAIAPIKey = ConfigurationSetting(
        "OPENAI_API_KEY", \.openAIAPIKey, .secret, default: nil,
        """
        key for an OpenAI-compatible API, sent only as `Authorization: Bearer` to `OPENAI_API_BASE`: when set, the \
        commit message of each verified feedback is generated from its staged diff (falling back to the feedback's \
        description on a timeout or an error), and fixes can be proposed ([proposals.md](proposals.md))
        """)
    static let openAIAPIBase = ConfigurationSetting(
        "OPENAI_API_BASE", \.openAIAPIBase, .httpURL.map { ChatCompletionsClient.apiBase(from: $0) },
        default: URL(string: "https://api.openai.com/v1")!,
        """
        base URL of an OpenAI-compatible API (chat completions at `/chat/completions`); the full endpoint \
        (`…/v1/chat/completions`, as Python clients often take it) is accepted too and read as its base
        """)
    static let buildDocker = ConfigurationSetting(
        "DISPATCHER_BUILD_DOCKER", \.buildDocker, .boolean, default: false,
        "build an image for each repository with a Dockerfile")
    static let runE2E = ConfigurationSetting(
        "DISPATCHER_RUN_E2E", \.runE2E, .boolean, default: false,
        "run `docker compose` integration tests where a compose file exists")
    static let swiftpmJobs = ConfigurationSetting(
        "SWIFTPM_NUM_JOBS", \.swiftpmJobs, .positiveInteger, default: 2,
        "`--jobs` for `swift build` and `swift test` (integer > 0)")
    static let swiftOverride = ConfigurationSetting(
        "DEPLOY_SWIFT", \.swiftOverride, .optionalText(whenUnset: "(detect)"), default: nil,
        defaultInWords: "`xcrun swift` on macOS with Xcode, else `swift` on `PATH`",
        "path of the swift executable to build with")
    static let fetchConcurrency = ConfigurationSetting(
        "DISPATCHER_FETCH_CONCURRENCY", \.fetchConcurrency, .positiveInteger, default: 4,
        "repositories fetched at the same time (integer > 0)")
    static let stepTimeout = ConfigurationSetting(
        "DISPATCHER_STEP_TIMEOUT", \.stepTimeout, .positiveInteger, default: 1800,
        "seconds a build or test step may run before its process group is killed")
    static let verifyFeedback = ConfigurationSetting(
        "DISPATCHER_VERIFY_FEEDBACK", \.verifyFeedback, .boolean, default: true,
        """
        build and test a feedback patch in a throwaway worktree, in the sandbox, before committing it (`0` for trusted \
        sources)
        """)
    static let sandbox = ConfigurationSetting(
        "DISPATCHER_SANDBOX", \.sandbox, .choice, default: .auto,
        """
        where verification steps run ([security.md](security.md)): `auto` uses bubblewrap on Linux or `sandbox-exec` \
        on macOS when present and able to start, else runs without one and says so at start-up and in `status \
        --config`; `bwrap` requires bubblewrap (its absence is a configuration error, exit 2); `none` opts out, logged \
        at start-up
        """)
    static let verifyNetwork = ConfigurationSetting(
        "DISPATCHER_VERIFY_NETWORK", \.verifyNetwork, .boolean, default: true,
        """
        `1`: verification steps may use the network (SwiftPM resolves dependencies); `0`: the sandbox has no network \
        at all
        """)
    static let feedbackMaxBytes = ConfigurationSetting(
        "DISPATCHER_FEEDBACK_MAX_BYTES", \.feedbackMaxBytes, .positiveInteger, default: 1_048_576,
        "largest feedback file accepted, in bytes")
    static let logRetentionCount = ConfigurationSetting(
        "DISPATCHER_LOG_KEEP", \.logRetentionCount, .positiveInteger, default: 100,
        "cycle logs kept in `deploy/logs` (older ones are removed)")
    static let logRetentionDays = ConfigurationSetting(
        "DISPATCHER_LOG_MAX_AGE_DAYS", \.logRetentionDays, .positiveInteger, default: 30,
        "cycle logs older than this many days are removed")
    static let githubAPIURL = ConfigurationSetting(
        "GITHUB_API_URL", \.githubAPIURL, .httpURL, default: GitHubForge.defaultAPIBase,
        """
        GitHub's REST API root (GitHub Enterprise: `https://HOST/api/v3`), for remotes on github.com, on this URL's \
        host (any port; or the host without a leading `api.`) or a `forge: github` manifest entry
        """)
    static let prPollInterval = ConfigurationSetting(
        "DISPATCHER_PR_POLL_INTERVAL", \.prPollInterval, .positiveInteger, default: 30,
        "seconds between polls of a pull request's merge state")
    static let prTimeout = ConfigurationSetting(
        "DISPATCHER_PR_TIMEOUT", \.prTimeout, .positiveInteger, default: 86_400,
        "seconds a pull request may stay open before its feedback is rejected")
    static let commitStatus = ConfigurationSetting(
        "DISPATCHER_COMMIT_STATUS", \.postCommitStatus, .boolean, default: false,
        """
        `1`: post a commit status (`pending`, then `success`/`failure`/`error`) for each build to the repository's \
        forge (needs `GITHUB_TOKEN`)
        """)
    static let commitLogs = ConfigurationSetting(
        "DISPATCHER_COMMIT_LOGS", \.commitLogs, .boolean, default: false,
        """
        `1`: commit each cycle log whose results changed into the deploy root's git repository and push it to the \
        branch's upstream ([logs](logs-and-analyze.md#logs-in-git))
        """)
    static let openAIModel = ConfigurationSetting(
        "OPENAI_MODEL", \.openAIModel, .trimmedText, default: "gpt-4o-mini",
        "model asked for commit messages and proposed fixes")
    static let proposeFixes = ConfigurationSetting(
        "DISPATCHER_PROPOSE_FIXES", \.proposeFixes, .boolean, default: false,
        """
        `1`: after a red build of a new commit, ask the model for a fix and verify it as feedback (needs \
        `OPENAI_API_KEY`; see [proposals.md](proposals.md))
        """)
    static let proposeAttempts = ConfigurationSetting(
        "DISPATCHER_PROPOSE_ATTEMPTS", \.proposeAttempts, .positiveInteger, default: 2,
        "fixes proposed per red commit; after that deployctl stops asking for that commit and `status` says so")
    static let proposeMaxTokens = ConfigurationSetting(
        "DISPATCHER_PROPOSE_MAX_TOKENS", \.proposeMaxTokens, .nonNegativeInteger, default: 0,
        """
        model tokens (prompt and completion) proposals may spend on one red commit; once reached, proposing for it \
        stops with the reason recorded; `0`: no limit
        """)
    static let proposeDailyTokens = ConfigurationSetting(
        "DISPATCHER_PROPOSE_DAILY_TOKENS", \.proposeDailyTokens, .nonNegativeInteger, default: 0,
        """
        model tokens proposals may spend on this root in any 24 hours; once reached, proposing stops with the reason \
        recorded until older spending falls out of the window; `0`: no limit
        """)
    static let modelPricePrompt = ConfigurationSetting(
        "DISPATCHER_MODEL_PRICE_PROMPT", \.modelPricePrompt, .nonNegativeDecimal, default: 0,
        "what the model charges per million prompt tokens (any currency), for the fix ledger's cost")
    static let modelPriceCompletion = ConfigurationSetting(
        "DISPATCHER_MODEL_PRICE_COMPLETION", \.modelPriceCompletion, .nonNegativeDecimal, default: 0,
        "what the model charges per million completion tokens, for the fix ledger's cost")
    static let modelTimeout = ConfigurationSetting(
        "DISPATCHER_MODEL_TIMEOUT", \.modelTimeout, .positiveInteger, default: 120,
        """
        seconds one request to the model may take (commit messages fall back to the description; a proposal attempt \
        fails)
        """)
    static let proposePromptBytes = ConfigurationSetting(
        "DISPATCHER_PROPOSE_PROMPT_BYTES", \.proposePromptBytes, .positiveInteger, default: 49_152,
        """
        largest prompt sent for a fix, in bytes (diagnostics first, then failing tests, earlier attempts, files, the \
        diff since the last green build)
        """)
    static let changelog = ConfigurationSetting(
        "DISPATCHER_CHANGELOG", \.changelog, .boolean, default: true,
        """
        `1`: each applied feedback adds one entry (date, description's first line, feedback id) to `CHANGELOG.md` at \
        the root of its repository, in the same verified commit; `0`: the commit holds only the patch
        """)
    static let prComment = ConfigurationSetting(
        "DISPATCHER_PR_COMMENT", \.pullRequestComment, .boolean, default: true,
        """
        `1`: once a feedback pull request is opened, comment on it with the verification summary (outcome, duration, \
        failing step and tests); `0`: the body alone carries it
        """)

    static let httpListen = ConfigurationSetting(
        "DISPATCHER_HTTP_LISTEN", \.httpListen, .listenAddress, default: nil,
        """
        `HOST:PORT` where `loop` serves HTTP (health, metrics, the status API, webhooks: [http.md](http.md)); unset: \
        no server. Bind to loopback and put a reverse proxy in front for TLS
        """)
    static let webhookSecret = ConfigurationSetting(
        "DISPATCHER_WEBHOOK_SECRET", \.webhookSecret, .secret, default: nil,
        """
        the secret GitHub and Gitea sign push webhooks with (HMAC-SHA256); unset: the `/hooks/*` routes answer 404
        """)

    static let apiToken = ConfigurationSetting(
        "DISPATCHER_API_TOKEN", \.apiToken, .secret, default: nil,
        """
        the bearer token `POST /api/v1/feedback` and `GET /api/v1/feedback/ID` require; unset: those routes answer 404
        """)

    static let notifyURL = ConfigurationSetting(
        "DISPATCHER_NOTIFY_URL", \.notifyURL, .secretHTTPURL, default: nil,
        """
        where `loop` posts a notification on each transition (a repository turning red or green again, feedback \
        applied or rejected, a rollout rolled back or failed, the loop stalled); a secret, as a Slack webhook URL is
        """)
    static let notifyFormat = ConfigurationSetting(
        "DISPATCHER_NOTIFY_FORMAT", \.notifyFormat, .choice, default: NotificationFormat.slack,
        "`slack`: Slack's incoming-webhook JSON (`{\"text\": …}`); `json`: deployctl's event ([http.md](http.md))")

    /// Every variable deployctl reads, in the order `status --config` shows them.
    static let all: [any AnyConfigurationSetting] = [
        deployRoot, interval, usePullRequests, githubToken, gitUserName, gitUserEmail, openAIAPIKey, openAIAPIBase,
        buildDocker, runE2E, swiftpmJobs, swiftOverride, fetchConcurrency, stepTimeout, verifyFeedback, sandbox,
        verifyNetwork, feedbackMaxBytes, logRetentionCount, logRetentionDays, githubAPIURL, prPollInterval, prTimeout,
        commitStatus, commitLogs, openAIModel, proposeFixes, proposeAttempts, proposeMaxTokens, proposeDailyTokens,
        modelPricePrompt, modelPriceCompletion, modelTimeout, proposePromptBytes,
        changelog, prComment, httpListen, webhookSecret, apiToken, notifyURL, notifyFormat,
    ]

    /// The setting named `name`, if there is one.
    static func setting(named name: String) -> (any AnyConfigurationSetting)? {
        byName[name]
    }

    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.variable.name, $0) })
}
