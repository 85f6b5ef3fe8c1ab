import DeployBuild
import Foundation

/// The effective configuration of a dispatcher: every variable of ``ConfigurationVariable/all`` resolved and typed.
///
/// Built by ``ConfigurationLoader``. Secrets are ``Secret`` values, so printing a configuration never shows them.
public struct DispatcherConfiguration: Sendable {
    /// Seconds between loop cycles (`DISPATCHER_INTERVAL`).
    public var interval: Int
    /// Publish through a pull request (`DISPATCHER_USE_PRS`); `false` pushes directly to the branch.
    public var usePullRequests: Bool
    /// Token for HTTPS git and the forge API (`GITHUB_TOKEN`).
    public var githubToken: Secret?
    /// Commit identity name (`GIT_USER_NAME`).
    public var gitUserName: String
    /// Commit identity email (`GIT_USER_EMAIL`).
    public var gitUserEmail: String
    /// Key for an OpenAI-compatible API (`OPENAI_API_KEY`).
    public var openAIAPIKey: Secret?
    /// Base URL of the OpenAI-compatible API (`OPENAI_API_BASE`).
    public var openAIAPIBase: URL
    /// Build Docker images (`DISPATCHER_BUILD_DOCKER`).
    public var buildDocker: Bool
    /// Run `docker compose` integration tests (`DISPATCHER_RUN_E2E`).
    public var runE2E: Bool
    /// `--jobs` for SwiftPM (`SWIFTPM_NUM_JOBS`).
    public var swiftpmJobs: Int
    /// An explicit swift executable (`DEPLOY_SWIFT`).
    public var swiftOverride: String?
    /// Repositories fetched at once (`DISPATCHER_FETCH_CONCURRENCY`).
    public var fetchConcurrency: Int
    /// Seconds one build or test step may run (`DISPATCHER_STEP_TIMEOUT`).
    public var stepTimeout: Int
    /// Build and test feedback patches before committing them (`DISPATCHER_VERIFY_FEEDBACK`).
    public var verifyFeedback: Bool
    /// The sandbox verification steps run in (`DISPATCHER_SANDBOX`).
    public var sandbox: SandboxChoice = .auto
    /// Whether verification steps may use the network (`DISPATCHER_VERIFY_NETWORK`).
    public var verifyNetwork: Bool = true
    /// Largest feedback file accepted (`DISPATCHER_FEEDBACK_MAX_BYTES`).
    public var feedbackMaxBytes: Int
    /// Cycle logs kept (`DISPATCHER_LOG_KEEP`).
    public var logRetentionCount: Int
    /// Days a cycle log is kept (`DISPATCHER_LOG_MAX_AGE_DAYS`).
    public var logRetentionDays: Int

    /// GitHub's REST API root (`GITHUB_API_URL`).
    public var githubAPIURL: URL
    /// Seconds between merge polls of a pull request (`DISPATCHER_PR_POLL_INTERVAL`).
    public var prPollInterval: Int
    /// Seconds before a pull request wait gives up (`DISPATCHER_PR_TIMEOUT`).
    public var prTimeout: Int

    /// Post a commit status for each build (`DISPATCHER_COMMIT_STATUS`).
    public var postCommitStatus: Bool
    /// Commit each cycle log whose results changed into the deploy root's repository and push it
    /// (`DISPATCHER_COMMIT_LOGS`).
    public var commitLogs: Bool

    /// The model asked for commit messages and fixes (`OPENAI_MODEL`).
    public var openAIModel: String = "gpt-4o-mini"
    /// Propose fixes for red builds (`DISPATCHER_PROPOSE_FIXES`; also needs ``openAIAPIKey``).
    public var proposeFixes: Bool = false
    /// Fixes proposed per red commit (`DISPATCHER_PROPOSE_ATTEMPTS`).
    public var proposeAttempts: Int = 2
    /// Seconds one model request may take (`DISPATCHER_MODEL_TIMEOUT`).
    public var modelTimeout: Int = 120
    /// Largest prompt for a fix, in bytes (`DISPATCHER_PROPOSE_PROMPT_BYTES`).
    public var proposePromptBytes: Int = 49_152

    /// Add a `CHANGELOG.md` entry to each feedback commit (`DISPATCHER_CHANGELOG`).
    public var changelog: Bool = true
    /// Comment on feedback pull requests with the verification summary (`DISPATCHER_PR_COMMENT`).
    public var pullRequestComment: Bool = true

    /// Where each variable's value came from, by variable name.
    public var origins: [String: ConfigurationOrigin]
    /// Non-fatal findings: likely typos of `DISPATCHER_*` names.
    public var warnings: [String]

    /// Secrets from this configuration, to be redacted from captured output.
    public var secrets: [String] {
        [githubToken, openAIAPIKey].compactMap { $0?.revealed }.filter { !$0.isEmpty }
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
        switch variable.name {
        case ConfigurationVariable.deployRoot.name: return deployRootDisplay
        case ConfigurationVariable.interval.name: return String(interval)
        case ConfigurationVariable.usePullRequests.name: return usePullRequests ? "1" : "0"
        case ConfigurationVariable.githubToken.name: return githubToken == nil ? "not set" : "set"
        case ConfigurationVariable.gitUserName.name: return gitUserName
        case ConfigurationVariable.gitUserEmail.name: return gitUserEmail
        case ConfigurationVariable.openAIAPIKey.name: return openAIAPIKey == nil ? "not set" : "set"
        case ConfigurationVariable.openAIAPIBase.name: return openAIAPIBase.absoluteString
        case ConfigurationVariable.buildDocker.name: return buildDocker ? "1" : "0"
        case ConfigurationVariable.runE2E.name: return runE2E ? "1" : "0"
        case ConfigurationVariable.swiftpmJobs.name: return String(swiftpmJobs)
        case ConfigurationVariable.swiftOverride.name: return swiftOverride ?? "(detect)"
        case ConfigurationVariable.fetchConcurrency.name: return String(fetchConcurrency)
        case ConfigurationVariable.stepTimeout.name: return String(stepTimeout)
        case ConfigurationVariable.verifyFeedback.name: return verifyFeedback ? "1" : "0"
        case ConfigurationVariable.sandbox.name: return sandbox.rawValue
        case ConfigurationVariable.verifyNetwork.name: return verifyNetwork ? "1" : "0"
        case ConfigurationVariable.feedbackMaxBytes.name: return String(feedbackMaxBytes)
        case ConfigurationVariable.logRetentionCount.name: return String(logRetentionCount)
        case ConfigurationVariable.logRetentionDays.name: return String(logRetentionDays)
        case ConfigurationVariable.githubAPIURL.name: return githubAPIURL.absoluteString
        case ConfigurationVariable.prPollInterval.name: return String(prPollInterval)
        case ConfigurationVariable.prTimeout.name: return String(prTimeout)
        case ConfigurationVariable.commitStatus.name: return postCommitStatus ? "1" : "0"
        case ConfigurationVariable.commitLogs.name: return commitLogs ? "1" : "0"
        case ConfigurationVariable.openAIModel.name: return openAIModel
        case ConfigurationVariable.proposeFixes.name: return proposeFixes ? "1" : "0"
        case ConfigurationVariable.proposeAttempts.name: return String(proposeAttempts)
        case ConfigurationVariable.modelTimeout.name: return String(modelTimeout)
        case ConfigurationVariable.proposePromptBytes.name: return String(proposePromptBytes)
        case ConfigurationVariable.changelog.name: return changelog ? "1" : "0"
        case ConfigurationVariable.prComment.name: return pullRequestComment ? "1" : "0"
        default: return ""
        }
    }

    /// The deploy root as resolved by the loader.
    public var deployRootDisplay: String
}
