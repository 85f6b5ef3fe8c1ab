import Foundation

/// The tokens tests hand to deployctl, in one list, so that `scripts/scan-secrets.sh` can prove none of them reached a
/// file a run produced (logs, state store, feedback records, `.git/config`, captured output).
///
/// The scan reads the string literals of ``all`` from this file: add every new test token here (a literal, on its own
/// line) and use it through these constants.
public enum TestSecrets {
    /// The token of the reliability suite's git HTTP server and forge (`GITHUB_TOKEN`).
    public static let gitToken = "dctl-test-secret-git-4b1d9e"
    /// A second token, for a forge that is not the git server.
    public static let forgeToken = "dctl-test-secret-forge-83c2a7"
    /// The key of the chat-completions test server (`OPENAI_API_KEY`).
    public static let openAIKey = "dctl-test-secret-openai-5e7f1c"
    /// A key the chat-completions test server refuses.
    public static let wrongOpenAIKey = "dctl-test-secret-openai-wrong-9a0b"

    /// Every literal token the suite uses, including those older tests spell out in place.
    public static let all: [String] = [
        gitToken,
        forgeToken,
        openAIKey,
        wrongOpenAIKey,
        "forge-test-token",
        "push-token",
        "ghp_SECRET123",
    ]

    /// How git's HTTP basic authentication would carry `token` (`Authorization: Basic base64(user:token)`), for
    /// the user names deployctl and the tests use.
    public static func basicAuthEncodings(of token: String) -> [String] {
        ["x-access-token", "git", ""].map { Data("\($0):\(token)".utf8).base64EncodedString() }
    }
}
