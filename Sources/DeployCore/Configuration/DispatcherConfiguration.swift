import DeployBuild
import Foundation

/// The effective configuration of a dispatcher: every variable of ``ConfigurationVariable/all`` resolved and typed.
///
/// Built by ``ConfigurationLoader``; each field's default and display come from the one declaration of its variable
/// (`ConfigurationTable`). Secrets are ``Secret`` values, so printing a configuration never shows them.
public struct DispatcherConfiguration: Sendable {
    /// Seconds between loop cycles (`DISPATCHER_INTERVAL`).
    public var interval: Int = ConfigurationTable.interval.defaultValue
    /// Publish through a pull request (`DISPATCHER_USE_PRS`); `false` pushes directly to the branch.
    public var usePullRequests: Bool = ConfigurationTable.usePullRequests.defaultValue
    /// Token for HTTPS git and the forge API (`GITHUB_TOKEN`).
    public var githubToken: Secret? = ConfigurationTable.githubToken.defaultValue
    /// Commit identity name (`GIT_USER_NAME`).
    public var gitUserName: String = ConfigurationTable.gitUserName.defaultValue
    /// Commit identity email (`GIT_USER_EMAIL`).
    public var gitUserEmail: String = ConfigurationTable.gitUserEmail.defaultValue
    /// Key for an OpenAI-compatible API (`OPENAI_API_KEY`).
    public var openAIAPIKey: Secret? = ConfigurationTable.openAIAPIKey.defaultValue
    /// Base URL of the OpenAI-compatible API (`OPENAI_API_BASE`).
    public var openAIAPIBase: URL = ConfigurationTable.openAIAPIBase.defaultValue
    /// Build Docker images (`DISPATCHER_BUILD_DOCKER`).
    public var buildDocker: Bool = ConfigurationTable.buildDocker.defaultValue
    /// Run `docker compose` integration tests (`DISPATCHER_RUN_E2E`).
    public var runE2E: Bool = ConfigurationTable.runE2E.defaultValue
    /// `--jobs` for SwiftPM (`SWIFTPM_NUM_JOBS`).
    public var swiftpmJobs: Int = ConfigurationTable.swiftpmJobs.defaultValue
    /// An explicit swift executable (`DEPLOY_SWIFT`).
    public var swiftOverride: String? = ConfigurationTable.swiftOverride.defaultValue
    /// Repositories fetched at once (`DISPATCHER_FETCH_CONCURRENCY`).
    public var fetchConcurrency: Int = ConfigurationTable.fetchConcurrency.defaultValue
    /// Seconds one build or test step may run (`DISPATCHER_STEP_TIMEOUT`).
    public var stepTimeout: Int = ConfigurationTable.stepTimeout.defaultValue
    /// Build and test feedback patches before committing them (`DISPATCHER_VERIFY_FEEDBACK`).
    public var verifyFeedback: Bool = ConfigurationTable.verifyFeedback.defaultValue
    /// The sandbox verification steps run in (`DISPATCHER_SANDBOX`).
    public var sandbox: SandboxChoice = ConfigurationTable.sandbox.defaultValue
    /// Whether verification steps may use the network (`DISPATCHER_VERIFY_NETWORK`).
    public var verifyNetwork: Bool = ConfigurationTable.verifyNetwork.defaultValue
    /// Largest feedback file accepted (`DISPATCHER_FEEDBACK_MAX_BYTES`).
    public var feedbackMaxBytes: Int = ConfigurationTable.feedbackMaxBytes.defaultValue
    /// Cycle logs kept (`DISPATCHER_LOG_KEEP`).
    public var logRetentionCount: Int = ConfigurationTable.logRetentionCount.defaultValue
    /// Days a cycle log is kept (`DISPATCHER_LOG_MAX_AGE_DAYS`).
    public var logRetentionDays: Int = ConfigurationTable.logRetentionDays.defaultValue

    /// GitHub's REST API root (`GITHUB_API_URL`).
    public var githubAPIURL: URL = ConfigurationTable.githubAPIURL.defaultValue
    /// Seconds between merge polls of a pull request (`DISPATCHER_PR_POLL_INTERVAL`).
    public var prPollInterval: Int = ConfigurationTable.prPollInterval.defaultValue
    /// Seconds before a pull request wait gives up (`DISPATCHER_PR_TIMEOUT`).
    public var prTimeout: Int = ConfigurationTable.prTimeout.defaultValue

    /// Post a commit status for each build (`DISPATCHER_COMMIT_STATUS`).
    public var postCommitStatus: Bool = ConfigurationTable.commitStatus.defaultValue
    /// Commit each cycle log whose results changed into the deploy root's repository and push it
    /// (`DISPATCHER_COMMIT_LOGS`).
    public var commitLogs: Bool = ConfigurationTable.commitLogs.defaultValue

    /// The model asked for commit messages and fixes (`OPENAI_MODEL`).
    public var openAIModel: String = ConfigurationTable.openAIModel.defaultValue
    /// Propose fixes for red builds (`DISPATCHER_PROPOSE_FIXES`; also needs ``openAIAPIKey``).
    public var proposeFixes: Bool = ConfigurationTable.proposeFixes.defaultValue
    /// Fixes proposed per red commit (`DISPATCHER_PROPOSE_ATTEMPTS`).
    public var proposeAttempts: Int = ConfigurationTable.proposeAttempts.defaultValue
    /// Tokens proposals may spend on one red commit (`DISPATCHER_PROPOSE_MAX_TOKENS`); 0 for no limit.
    public var proposeMaxTokens: Int = ConfigurationTable.proposeMaxTokens.defaultValue
    /// Tokens proposals may spend on the root in any 24 hours (`DISPATCHER_PROPOSE_DAILY_TOKENS`); 0 for no limit.
    public var proposeDailyTokens: Int = ConfigurationTable.proposeDailyTokens.defaultValue
    /// Price per million prompt tokens (`DISPATCHER_MODEL_PRICE_PROMPT`).
    public var modelPricePrompt: Double = ConfigurationTable.modelPricePrompt.defaultValue
    /// Price per million completion tokens (`DISPATCHER_MODEL_PRICE_COMPLETION`).
    public var modelPriceCompletion: Double = ConfigurationTable.modelPriceCompletion.defaultValue
    /// Seconds one model request may take (`DISPATCHER_MODEL_TIMEOUT`).
    public var modelTimeout: Int = ConfigurationTable.modelTimeout.defaultValue
    /// Largest prompt for a fix, in bytes (`DISPATCHER_PROPOSE_PROMPT_BYTES`).
    public var proposePromptBytes: Int = ConfigurationTable.proposePromptBytes.defaultValue

    /// Add a `CHANGELOG.md` entry to each feedback commit (`DISPATCHER_CHANGELOG`).
    public var changelog: Bool = ConfigurationTable.changelog.defaultValue
    /// Comment on feedback pull requests with the verification summary (`DISPATCHER_PR_COMMENT`).
    public var pullRequestComment: Bool = ConfigurationTable.prComment.defaultValue

    /// The deploy root as resolved by the loader (`DEPLOY_ROOT`).
    public var deployRootDisplay: String = ConfigurationTable.deployRoot.defaultValue

    /// Where `loop` serves HTTP (`DISPATCHER_HTTP_LISTEN`); nil: no server.
    public var httpListen: ListenAddress? = ConfigurationTable.httpListen.defaultValue
    /// The secret push webhooks are signed with (`DISPATCHER_WEBHOOK_SECRET`); nil: the hook routes answer 404.
    public var webhookSecret: Secret? = ConfigurationTable.webhookSecret.defaultValue
    /// The bearer token of the feedback API (`DISPATCHER_API_TOKEN`); nil: its routes answer 404.
    public var apiToken: Secret? = ConfigurationTable.apiToken.defaultValue
    /// Where transitions are posted (`DISPATCHER_NOTIFY_URL`); nil: no notifications.
    public var notifyURL: Secret? = ConfigurationTable.notifyURL.defaultValue
    /// How they are written (`DISPATCHER_NOTIFY_FORMAT`).
    public var notifyFormat: NotificationFormat = ConfigurationTable.notifyFormat.defaultValue
    /// Where each variable's value came from, by variable name.
    public var origins: [String: ConfigurationOrigin] = [:]
    /// Non-fatal findings: likely typos of `DISPATCHER_*` names.
    public var warnings: [String] = []

    /// Secrets from this configuration, to be redacted from captured output.
    public var secrets: [String] {
        [githubToken, openAIAPIKey, webhookSecret, apiToken, notifyURL].compactMap { $0?.revealed }.filter { !$0.isEmpty }
    }

    /// Optional features that are off because a variable is missing, as sentences for the start-up report.
    public var disabledFeatures: [String] {
        var result: [String] = []
        if githubToken == nil {
            result.append(
                "GITHUB_TOKEN not set: HTTPS fetch/push use no credentials and pull requests cannot be opened")
        }
        if openAIAPIKey == nil {
            result.append("OPENAI_API_KEY not set: no model is asked for anything (commit messages are the feedback description)")
            if proposeFixes { result.append("DISPATCHER_PROPOSE_FIXES=1 needs OPENAI_API_KEY: no fixes are proposed") }
        } else if proposeFixes && !verifyFeedback {
            result.append("DISPATCHER_VERIFY_FEEDBACK=0: no fixes are proposed (a model's patch is always verified)")
        } else if !proposeFixes {
            result.append("DISPATCHER_PROPOSE_FIXES=0: no fixes are proposed for red builds")
        }
        if !buildDocker { result.append("DISPATCHER_BUILD_DOCKER=0: Docker images are not built") }
        if !runE2E { result.append("DISPATCHER_RUN_E2E=0: docker compose integration tests are not run") }
        return result
    }

    /// The effective value of `variable` as shown to people: secrets as `set`/`not set`.
    public func displayValue(of variable: ConfigurationVariable) -> String {
        ConfigurationTable.setting(named: variable.name)?.displayValue(in: self) ?? ""
    }
}
