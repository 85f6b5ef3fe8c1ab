import DeployCore
import DeployTestSupport
import Foundation
import Testing

@Suite struct ConfigurationLoaderTests {
    let scratch: ScratchDirectory

    init() throws {
        scratch = try ScratchDirectory(prefix: "config")
    }

    func load(
        env: [String: String] = [:], file: String? = nil, flags: [ConfigurationLoader.FlagValue] = [],
        git: ConfigurationLoader.GitIdentity = .init()
    ) throws(DispatcherError) -> DispatcherConfiguration {
        if let file {
            try? Data(file.utf8).write(to: scratch.appending("dispatcher.env"))
        }
        return try ConfigurationLoader(environment: env, flags: flags, gitIdentity: git).load(root: scratch.url)
    }

    @Test func defaultsWhenNothingIsSet() throws {
        let config = try load()
        #expect(config.interval == 60)
        #expect(config.usePullRequests)
        #expect(config.githubToken == nil)
        #expect(config.gitUserName == "deployctl")
        #expect(config.gitUserEmail == "deployctl@localhost")
        #expect(config.openAIAPIKey == nil)
        #expect(config.openAIAPIBase.absoluteString == "https://api.openai.com/v1")
        #expect(!config.buildDocker)
        #expect(!config.runE2E)
        #expect(config.swiftpmJobs == 2)
        #expect(config.swiftOverride == nil)
        #expect(config.fetchConcurrency == 4)
        #expect(config.stepTimeout == 1800)
        #expect(config.verifyFeedback)
        #expect(config.feedbackMaxBytes == 1_048_576)
        #expect(config.logRetentionCount == 100)
        #expect(config.logRetentionDays == 30)
        #expect(config.origins["DISPATCHER_INTERVAL"] == .defaultValue)
    }

    @Test func anEmptyValueInDispatcherEnvMeansUnsetAndFallsBackToGitConfigThenTheDefault() throws {
        let file = "GITHUB_TOKEN=\nOPENAI_API_KEY=\nGIT_USER_NAME=\nGIT_USER_EMAIL=\nDISPATCHER_INTERVAL=\n"
        let fromGit = try load(file: file, git: .init(name: "Git Person", email: "git@example.com"))
        #expect(fromGit.gitUserName == "Git Person")
        #expect(fromGit.gitUserEmail == "git@example.com")
        #expect(fromGit.origins["GIT_USER_NAME"] == .gitConfig)
        let defaults = try load(file: file)
        #expect(defaults.gitUserName == "deployctl")
        #expect(defaults.gitUserEmail == "deployctl@localhost")
        #expect(defaults.githubToken == nil)
        #expect(defaults.openAIAPIKey == nil)
        #expect(defaults.interval == 60)
        #expect(defaults.origins["DISPATCHER_INTERVAL"] == .defaultValue)
    }

    @Test func anEmptyValueInAnyLayerFallsThroughToTheNextLayer() throws {
        let config = try load(
            env: ["GITHUB_TOKEN": "", "GIT_USER_NAME": "  ", "DISPATCHER_INTERVAL": ""],
            file: "GITHUB_TOKEN=from-file\nGIT_USER_NAME=File Bot\nDISPATCHER_INTERVAL=9\n",
            flags: [.init(variable: "DISPATCHER_INTERVAL", flag: "--set DISPATCHER_INTERVAL", value: "")])
        #expect(config.githubToken?.revealed == "from-file")
        #expect(config.gitUserName == "File Bot")
        #expect(config.interval == 9)
        #expect(config.origins["DISPATCHER_INTERVAL"] == .file(path: scratch.appending("dispatcher.env").path, line: 3))
    }

    @Test func everyVariableSetEmptyEverywhereIsItsDefault() throws {
        let names = ConfigurationVariable.all.map(\.name).filter { $0 != "DEPLOY_ROOT" }
        let empty = Dictionary(uniqueKeysWithValues: names.map { ($0, "") })
        let file = names.map { "\($0)=" }.joined(separator: "\n") + "\n"
        let config = try load(env: empty, file: file)
        let defaults = try ConfigurationLoader(environment: [:]).load(root: scratch.appending("nothing-here"))
        for variable in ConfigurationVariable.all where variable.name != "DEPLOY_ROOT" {
            #expect(
                config.displayValue(of: variable) == defaults.displayValue(of: variable),
                "\(variable.name)= must mean unset")
            #expect(config.origins[variable.name] == .defaultValue, "\(variable.name)")
        }
    }

    @Test func everyVariableIsReadFromTheEnvironment() throws {
        let config = try load(env: [
            "DISPATCHER_INTERVAL": "15", "DISPATCHER_USE_PRS": "no", "GITHUB_TOKEN": "tok-123",
            "GIT_USER_NAME": "Bot", "GIT_USER_EMAIL": "bot@example.com", "OPENAI_API_KEY": "sk-1",
            "OPENAI_API_BASE": "http://127.0.0.1:9/v1", "DISPATCHER_BUILD_DOCKER": "TRUE", "DISPATCHER_RUN_E2E": "Yes",
            "SWIFTPM_NUM_JOBS": "8", "DEPLOY_SWIFT": "/opt/swift/bin/swift", "DISPATCHER_FETCH_CONCURRENCY": "3",
            "DISPATCHER_STEP_TIMEOUT": "99", "DISPATCHER_VERIFY_FEEDBACK": "0", "DISPATCHER_FEEDBACK_MAX_BYTES": "100",
            "DISPATCHER_LOG_KEEP": "7", "DISPATCHER_LOG_MAX_AGE_DAYS": "2",
        ])
        #expect(config.interval == 15)
        #expect(!config.usePullRequests)
        #expect(config.githubToken?.revealed == "tok-123")
        #expect(config.gitUserName == "Bot")
        #expect(config.gitUserEmail == "bot@example.com")
        #expect(config.openAIAPIKey?.revealed == "sk-1")
        #expect(config.openAIAPIBase.absoluteString == "http://127.0.0.1:9/v1")
        #expect(config.buildDocker)
        #expect(config.runE2E)
        #expect(config.swiftpmJobs == 8)
        #expect(config.swiftOverride == "/opt/swift/bin/swift")
        #expect(config.fetchConcurrency == 3)
        #expect(config.stepTimeout == 99)
        #expect(!config.verifyFeedback)
        #expect(config.feedbackMaxBytes == 100)
        #expect(config.logRetentionCount == 7)
        #expect(config.logRetentionDays == 2)
        #expect(config.origins["SWIFTPM_NUM_JOBS"] == .environment)
    }

    @Test func precedenceIsFlagThenEnvironmentThenFileThenDefault() throws {
        let file = "DISPATCHER_INTERVAL=30\nSWIFTPM_NUM_JOBS=3\nDISPATCHER_STEP_TIMEOUT=40\n"
        let config = try load(
            env: ["DISPATCHER_INTERVAL": "20", "SWIFTPM_NUM_JOBS": "5"], file: file,
            flags: [.init(variable: "DISPATCHER_INTERVAL", flag: "--interval", value: "10")])
        #expect(config.interval == 10)
        #expect(config.origins["DISPATCHER_INTERVAL"] == .flag("--interval"))
        #expect(config.swiftpmJobs == 5)
        #expect(config.origins["SWIFTPM_NUM_JOBS"] == .environment)
        #expect(config.stepTimeout == 40)
        #expect(config.origins["DISPATCHER_STEP_TIMEOUT"] == .file(path: scratch.appending("dispatcher.env").path, line: 3))
        #expect(config.fetchConcurrency == 4)
    }

    @Test func gitIdentityIsTheFallbackForTheCommitIdentity() throws {
        let config = try load(git: .init(name: "Ada", email: "ada@example.com"))
        #expect(config.gitUserName == "Ada")
        #expect(config.gitUserEmail == "ada@example.com")
        #expect(config.origins["GIT_USER_NAME"] == .gitConfig)
        let overridden = try load(env: ["GIT_USER_NAME": "Bot"], git: .init(name: "Ada", email: nil))
        #expect(overridden.gitUserName == "Bot")
        #expect(overridden.gitUserEmail == "deployctl@localhost")
    }

    @Test(arguments: ["1", "0", "true", "False", "YES", "no"])
    func booleansAcceptEveryDocumentedSpelling(_ text: String) throws {
        let config = try load(env: ["DISPATCHER_BUILD_DOCKER": text])
        #expect(config.buildDocker == ["1", "true", "yes"].contains(text.lowercased()))
    }

    @Test(arguments: [
        ("DISPATCHER_INTERVAL", "0", "an integer > 0"),
        ("DISPATCHER_INTERVAL", "-5", "an integer > 0"),
        ("DISPATCHER_INTERVAL", "1.5", "an integer > 0"),
        ("SWIFTPM_NUM_JOBS", "many", "an integer > 0"),
        ("DISPATCHER_USE_PRS", "maybe", "1/0, true/false or yes/no (any case)"),
        ("DISPATCHER_RUN_E2E", "2", "1/0, true/false or yes/no (any case)"),
        ("OPENAI_API_BASE", "ftp://x", "an http:// or https:// URL without credentials"),
        ("OPENAI_API_BASE", "not a url", "an http:// or https:// URL without credentials"),
    ])
    func badValuesNameTheVariableWhatWasFoundAndWhatIsAccepted(name: String, value: String, accepted: String) {
        #expect {
            try load(env: [name: value])
        } throws: { error in
            let error = error as! DispatcherError
            return error.code == .invalidValue && error.location.hasPrefix(name) && error.found == "'\(value)'"
                && error.accepted == accepted
        }
    }

    @Test func aBadValueInTheFileNamesFileAndLine() throws {
        #expect {
            try load(file: "# comment\n\nDISPATCHER_INTERVAL=soon\n")
        } throws: { error in
            (error as! DispatcherError).location == "\(scratch.appending("dispatcher.env").path):3: DISPATCHER_INTERVAL"
        }
    }

    @Test func credentialsInAURLAreRejectedWithoutEchoingThem() throws {
        #expect {
            try load(env: ["OPENAI_API_BASE": "https://user:hunter2@example.com/v1"])
        } throws: { error in
            !"\(error)".contains("hunter2") && "\(error)".contains("credentials")
        }
    }

    @Test func secretsAreShownOnlyAsSetOrNotSet() throws {
        let config = try load(env: ["GITHUB_TOKEN": "ghp_secret_value"])
        let github = ConfigurationVariable.all.first { $0.name == "GITHUB_TOKEN" }!
        let openAI = ConfigurationVariable.all.first { $0.name == "OPENAI_API_KEY" }!
        #expect(config.displayValue(of: github) == "set")
        #expect(config.displayValue(of: openAI) == "not set")
        #expect("\(config)".contains("ghp_secret_value") == false)
        #expect(config.secrets == ["ghp_secret_value"])
    }

    @Test func unknownDispatcherVariablesAreReportedAsLikelyTypos() throws {
        let config = try load(env: ["DISPATCHER_INTERVL": "5", "UNRELATED": "x"], file: "DISPATCHER_USE_PR=1\n")
        #expect(config.warnings.count == 2)
        #expect(config.warnings[0] == "environment: unknown variable DISPATCHER_INTERVL (did you mean DISPATCHER_INTERVAL?)")
        #expect(config.warnings[1].hasSuffix("dispatcher.env:1: unknown variable DISPATCHER_USE_PR (did you mean DISPATCHER_USE_PRS?)"))
    }

    @Test func disabledFeaturesAreReportedAtStart() throws {
        let config = try load()
        #expect(config.disabledFeatures.contains { $0.hasPrefix("GITHUB_TOKEN not set") })
        #expect(config.disabledFeatures.contains { $0.hasPrefix("OPENAI_API_KEY not set") })
        let withToken = try load(env: ["GITHUB_TOKEN": "t", "OPENAI_API_KEY": "k"])
        #expect(!withToken.disabledFeatures.contains { $0.hasPrefix("GITHUB_TOKEN") })
    }

    @Test func theRootComesFromTheFlagThenDeployRootThenTheCurrentDirectory() throws {
        let other = try ScratchDirectory(prefix: "root")
        defer { other.remove() }
        let loader = ConfigurationLoader(environment: ["DEPLOY_ROOT": other.path])
        #expect(try loader.resolveRoot(flag: scratch.path, currentDirectory: URL(fileURLWithPath: "/")) == scratch.url.standardizedFileURL)
        #expect(try loader.resolveRoot(flag: nil, currentDirectory: URL(fileURLWithPath: "/")).path == other.path)
        #expect(try ConfigurationLoader(environment: [:]).resolveRoot(flag: nil, currentDirectory: scratch.url).path == scratch.path)
        #expect(throws: DispatcherError.self) {
            try loader.resolveRoot(flag: scratch.appending("missing").path, currentDirectory: scratch.url)
        }
    }
}
