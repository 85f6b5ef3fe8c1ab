import DeployBuild
import DeployHTTP
@testable import DeployFeedback
import Foundation
import Testing

/// A proposal says what it cost: its tokens (the API's `usage`) and, with prices, their cost, in its metadata (so
/// its result record) and its description (so its commit message and its pull request's body).
@Suite struct ProposalUsageTests {
    static let request = FixRequest(
        repository: FeedbackRepository(name: "svc", directory: URL(fileURLWithPath: "/nonexistent/svc")),
        commit: "0123456789abcdef0123456789abcdef01234567", report: BuildReport(), attempt: 2)
    static let completion = ChatCompletion(
        id: "chatcmpl-1", model: "m", content: "```diff\n```",
        usage: TokenUsage(promptTokens: 1_500, completionTokens: 300))

    @Test func tokensAndCostAreInTheMetadataTheDescriptionAndSoThePullRequestBody() throws {
        let prompt = FixPrompt.make(for: Self.request, budget: 4_096)
        let price = ModelPrice(promptPerMillion: 2, completionPerMillion: 8)
        let document = FixProposer.document(
            Self.request, id: "proposed-svc-0123456789ab-2", patch: "p", completion: Self.completion, prompt: prompt,
            model: "m", price: price)
        let metadata = try #require(document["metadata"] as? [String: Any])
        #expect(metadata["tokens"] as? [String: Int] == ["prompt": 1_500, "completion": 300])
        #expect(abs((metadata["cost"] as? Double ?? 0) - 0.0054) < 1e-12, "(1,500 × 2 + 300 × 8) / 1,000,000")
        let description = try #require(document["description"] as? String)
        #expect(description.hasSuffix("\n\nModel usage: 1500 prompt + 300 completion tokens (cost 0.0054)."))
        let body = PullRequestBody.make(
            description: description, feedbackID: "proposed-svc-0123456789ab-2", commit: "abc", parent: "def",
            verification: nil)
        #expect(body.contains("Model usage: 1500 prompt + 300 completion tokens (cost 0.0054)."))

        let unpriced = FixProposer.document(
            Self.request, id: "x", patch: "p", completion: Self.completion, prompt: prompt, model: "m", price: nil)
        #expect((unpriced["description"] as? String)?.hasSuffix("Model usage: 1500 prompt + 300 completion tokens.") == true)
        #expect((unpriced["metadata"] as? [String: Any])?["cost"] == nil)
        let silent = FixProposer.document(
            Self.request, id: "x", patch: "p", completion: nil, prompt: prompt, model: "m", price: price)
        #expect((silent["description"] as? String)?.contains("Model usage") == false, "no usage, no line")
    }
}
