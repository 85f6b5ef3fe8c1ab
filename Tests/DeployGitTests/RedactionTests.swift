import DeployGit
import Testing

@Suite struct RedactionTests {
    @Test func credentialsAreStrippedFromURLs() {
        #expect(redactedURL("https://x-access-token:ghp_secret@github.com/o/r.git") == "https://github.com/o/r.git")
        #expect(redactedURL("https://user@host:8443/r.git") == "https://host:8443/r.git")
        #expect(redactedURL("https://github.com/o/r.git") == "https://github.com/o/r.git")
        #expect(redactedURL("/srv/git/r.git") == "/srv/git/r.git")
        #expect(redactedURL("git@github.com:o/r.git") == "git@github.com:o/r.git")
    }

    @Test func errorMessagesAreScrubbed() {
        let error = GitError(
            code: .network, operation: "fetch",
            message: "failed on https://bot:tok123@host/r.git with tok123", secrets: ["tok123"])
        #expect(!error.description.contains("tok123"))
        #expect(error.message.contains("https://host/r.git"))
    }

    @Test func objectIDsRoundTripAsHex() throws {
        let hex = String(repeating: "ab", count: 20)
        let id = try #require(ObjectID(hex: hex.uppercased()))
        #expect(id.hex == hex && id.short == "abababa")
        #expect(ObjectID(hex: "xyz") == nil)
    }
}
