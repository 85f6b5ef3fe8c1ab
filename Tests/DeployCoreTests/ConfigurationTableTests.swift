import DeployBuild
@testable import DeployCore
import DeployTestSupport
import Foundation
import Testing

/// Each variable is declared once, in `ConfigurationTable`; these check that the declaration is whole and that what is
/// derived from it (defaults, display, errors) is what the loader does.
@Suite struct ConfigurationTableTests {
    @Test func everyVariableIsDeclaredOnceAndWritesItsOwnField() {
        let names = ConfigurationTable.all.map(\.variable.name)
        #expect(Set(names).count == names.count, "a name is declared twice: \(names)")
        let keyPaths = ConfigurationTable.all.map(\.anyKeyPath)
        #expect(Set(keyPaths).count == keyPaths.count, "two settings write the same field")
        #expect(ConfigurationVariable.all.map(\.name) == names)
    }

    @Test func everyFieldOfTheConfigurationIsSetByOneVariable() {
        // Every stored field but the loader's bookkeeping (origins, warnings) belongs to one setting, so a new field
        // cannot be added without its variable.
        let fields = Mirror(reflecting: DispatcherConfiguration()).children.compactMap(\.label)
            .filter { $0 != "origins" && $0 != "warnings" }
        #expect(fields.count == ConfigurationTable.all.count, "fields: \(fields)")
    }

    @Test func theDefaultsOfAnUnloadedConfigurationAreTheLoadersDefaults() throws {
        let scratch = try ScratchDirectory(prefix: "config-table")
        defer { scratch.remove() }
        let loaded = try ConfigurationLoader(environment: [:]).load(root: scratch.url)
        let declared = DispatcherConfiguration()
        for variable in ConfigurationVariable.all where variable.name != "DEPLOY_ROOT" {
            #expect(declared.displayValue(of: variable) == loaded.displayValue(of: variable), "\(variable.name)")
            #expect(loaded.origins[variable.name] == .defaultValue, "\(variable.name)")
        }
        #expect(loaded.deployRootDisplay == scratch.url.path)
    }

    @Test func aLiteralDefaultIsWrittenAsItsDisplayedValue() {
        #expect(ConfigurationTable.interval.variable.documentedDefault == "`60`")
        #expect(ConfigurationTable.usePullRequests.variable.documentedDefault == "`1`")
        #expect(ConfigurationTable.sandbox.variable.documentedDefault == "`auto`")
        #expect(ConfigurationTable.githubAPIURL.variable.documentedDefault == "`https://api.github.com`")
        #expect(ConfigurationTable.githubToken.variable.documentedDefault == "none (secret)")
        #expect(ConfigurationTable.gitUserName.variable.documentedDefault == "git config `user.name`, else `deployctl`")
        #expect(ConfigurationTable.gitUserName.variable.defaultDescription == "git config user.name, else deployctl")
    }

    @Test func secretsAreDeclaredAsSecretsAndOnlyThey() {
        let secrets = ConfigurationVariable.all.filter(\.isSecret).map(\.name)
        #expect(secrets == ["GITHUB_TOKEN", "OPENAI_API_KEY", "DISPATCHER_WEBHOOK_SECRET", "DISPATCHER_API_TOKEN",
            "DISPATCHER_NOTIFY_URL",
        ])
    }

    @Test(arguments: [
        ("DISPATCHER_SANDBOX", "docker", "auto, bwrap, none"),
        ("GITHUB_API_URL", "ftp://example.com", "an http:// or https:// URL without credentials"),
        ("DISPATCHER_PROPOSE_ATTEMPTS", "0", "an integer > 0"),
        ("DISPATCHER_PR_COMMENT", "sometimes", "1/0, true/false or yes/no (any case)"),
    ])
    func everyKindOfValueNamesWhatItAccepts(name: String, value: String, accepted: String) throws {
        let scratch = try ScratchDirectory(prefix: "config-table")
        defer { scratch.remove() }
        #expect {
            try ConfigurationLoader(environment: [name: value]).load(root: scratch.url)
        } throws: { error in
            let error = error as! DispatcherError
            return error.description == "\(name) (environment): invalid value: found '\(value)'; accepted: \(accepted)"
        }
    }

    @Test func aURLWithCredentialsIsNeverEchoedWhateverElseIsWrongWithIt() throws {
        let scratch = try ScratchDirectory(prefix: "config-table")
        defer { scratch.remove() }
        #expect {
            try ConfigurationLoader(environment: ["GITHUB_API_URL": "ftp://user:hunter2@example.com"])
                .load(root: scratch.url)
        } throws: { error in
            "\(error)".contains("a URL with credentials in it") && !"\(error)".contains("hunter2")
        }
    }

    @Test func choicesAndTextAreReadAsTheyAlwaysWere() throws {
        let scratch = try ScratchDirectory(prefix: "config-table")
        defer { scratch.remove() }
        let config = try ConfigurationLoader(environment: [
            "DISPATCHER_SANDBOX": " BWRAP ", "OPENAI_MODEL": "  local-model  ", "GIT_USER_NAME": "Deploy Bot",
            "OPENAI_API_BASE": "https://llm.example.com/v1/chat/completions",
        ]).load(root: scratch.url)
        #expect(config.sandbox == .bwrap)
        #expect(config.openAIModel == "local-model")
        #expect(config.gitUserName == "Deploy Bot")
        #expect(config.openAIAPIBase.absoluteString == "https://llm.example.com/v1")
        #expect(config.displayValue(of: ConfigurationTable.sandbox.variable) == "bwrap")
        #expect(config.displayValue(of: ConfigurationTable.swiftOverride.variable) == "(detect)")
    }

    @Test func theRootsOriginIsTheFlagThenDeployRootThenTheDefault() throws {
        let scratch = try ScratchDirectory(prefix: "config-table")
        defer { scratch.remove() }
        let fromFlag = try ConfigurationLoader(
            environment: ["DEPLOY_ROOT": scratch.path],
            flags: [.init(variable: "DEPLOY_ROOT", flag: "--root", value: scratch.path)]
        ).load(root: scratch.url)
        #expect(fromFlag.origins["DEPLOY_ROOT"] == .flag("--root"))
        let fromEnvironment = try ConfigurationLoader(environment: ["DEPLOY_ROOT": scratch.path])
            .load(root: scratch.url)
        #expect(fromEnvironment.origins["DEPLOY_ROOT"] == .environment)
        // DEPLOY_ROOT in dispatcher.env is not read: the root is found before its file can be.
        try Data("DEPLOY_ROOT=/elsewhere\n".utf8).write(to: scratch.appending("dispatcher.env"))
        let fromFile = try ConfigurationLoader(environment: ["DEPLOY_ROOT": ""]).load(root: scratch.url)
        #expect(fromFile.origins["DEPLOY_ROOT"] == .defaultValue)
        #expect(fromFile.deployRootDisplay == scratch.url.path)
    }
}
