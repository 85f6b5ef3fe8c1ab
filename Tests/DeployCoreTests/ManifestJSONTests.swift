import DeployCore
import Foundation
import Testing

@Suite("Manifest JSON")
struct ManifestJSONTests {
    private func refusal(_ json: String) -> DispatcherError? {
        do {
            _ = try Manifest.parse(Data(json.utf8), path: "deployctl.json")
            Issue.record("accepted: \(json)")
            return nil
        } catch {
            return error
        }
    }

    @Test func aKeyGivenTwiceIsNotJSONTheManifestTakes() throws {
        let error = try #require(
            refusal("{\"repositories\": [\n  {\"name\": \"api\", \"url\": \"x\", \"url\": \"y\"}]}"))
        #expect(error.found == "text that is not JSON")
        #expect(
            error.accepted == "a JSON object (line 2, column 31: the key 'url' appears twice in repositories[0])",
            "\(error.accepted)")
    }

    @Test func aBooleanWhereAStringBelongsIsNamedABoolean() throws {
        let error = try #require(refusal(#"{"repositories": [{"name": "api", "url": true}]}"#))
        #expect(error.location == "deployctl.json: repositories[0].url")
        #expect(error.found == "a boolean")
        #expect(error.accepted == "a string")
    }

    @Test func aCommandWithANonStringArgumentIsRefused() throws {
        let error = try #require(refusal(#"{"repositories": [{"name": "api", "url": "x", "test": ["make", 1]}]}"#))
        #expect(error.found == "an array")
        #expect(error.accepted == "an array of strings")
    }
}
