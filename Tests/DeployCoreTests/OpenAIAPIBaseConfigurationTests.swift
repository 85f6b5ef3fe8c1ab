import DeployCore
import DeployTestSupport
import Foundation
import Testing

/// `OPENAI_API_BASE` as read by the configuration: the base the chat-completions client appends its path to.
@Suite struct OpenAIAPIBaseConfigurationTests {
    @Test(arguments: [
        "https://llm.example.com/v1", "https://llm.example.com/v1/", "https://llm.example.com/v1/chat/completions",
    ])
    func theBaseOrTheFullEndpointIsReadAsTheBase(value: String) throws {
        try ScratchDirectory.withSync(prefix: "openai-base") { scratch in
            let configuration = try ConfigurationLoader(environment: ["OPENAI_API_BASE": value]).load(root: scratch.url)
            #expect(configuration.openAIAPIBase.absoluteString == "https://llm.example.com/v1")
        }
    }
}
