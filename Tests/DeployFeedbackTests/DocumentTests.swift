import Crypto
import Foundation
import Testing

@testable import DeployFeedback

@Suite("Feedback file format")
struct DocumentTests {
    private func parse(_ json: String) throws(FeedbackError) -> FeedbackDocument {
        try FeedbackDocument.parse(Data(json.utf8))
    }

    private func rejection(_ json: String) -> FeedbackError? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error
        }
    }

    private let patch =
        "diff --git a/README.md b/README.md\\n--- a/README.md\\n+++ b/README.md\\n@@ -1 +1 @@\\n-hello\\n+hi\\n"

    @Test func seedMinimalForm() throws {
        let document = try parse(#"{"repo": "app", "patch": "\#(patch)", "description": "Say hi"}"#)
        #expect(document.version == nil)
        #expect(document.repository == "app")
        #expect(document.description == "Say hi")
        #expect(document.restart)
        #expect(document.idWasDerived)
        #expect(document.id.hasPrefix("sha256-") && document.id.count == 7 + 32)
        #expect(document.patch.hasPrefix("diff --git a/README.md"))
    }

    @Test func versionedFormKeepsUnknownFields() throws {
        let document = try parse(
            #"""
            {"version": 1, "id": "fb-42", "repo": "app", "patch": "\#(patch)", "description": "d",
             "base": "0123456789abcdef0123456789abcdef01234567", "branch": "main", "restart": false,
             "metadata": {"author": "codex", "model": "gpt", "report": "https://x/report.json", "n": 3},
             "priority": "high", "extra": {"nested": [1, true, null]}}
            """#)
        #expect(document.version == 1)
        #expect(document.id == "fb-42")
        #expect(!document.idWasDerived)
        #expect(document.base == "0123456789abcdef0123456789abcdef01234567")
        #expect(document.branch == "main")
        #expect(!document.restart)
        #expect(document.metadata["author"] == .string("codex"))
        #expect(document.metadata["n"] == .number(3))
        #expect(document.unknownFields["priority"] == .string("high"))
        #expect(document.unknownFields["extra"] == .object(["nested": .array([.number(1), .bool(true), .null])]))
        #expect(document.unknownFields["id"] == nil)
    }

    @Test func derivedIDIsStableAndDependsOnTarget() throws {
        let first = try parse(#"{"repo": "app", "patch": "\#(patch)", "description": "a"}"#)
        let second = try parse(#"{"description": "other words", "patch": "\#(patch)", "repo": "app"}"#)
        let third = try parse(#"{"repo": "api", "patch": "\#(patch)"}"#)
        #expect(first.id == second.id)
        #expect(first.id != third.id)
    }

    @Test(arguments: [
        (#"{"repo": "app", "patch": 5}"#, "patch", "must be string (or null), found number"),
        (#"{"repo": ["app"], "patch": "x"}"#, "repo", "must be string (or null), found array"),
        (#"{"patch": "x", "restart": "yes"}"#, "restart", "must be boolean (or null), found string"),
        (#"{"patch": "x", "restart": 1}"#, "restart", "must be boolean (or null), found number"),
        (#"{"patch": "x", "version": "1"}"#, "version", "must be integer (or null), found string"),
        (#"{"patch": "x", "version": 1.5}"#, "version", "must be integer (or null), found number"),
        (#"{"patch": "x", "metadata": "codex"}"#, "metadata", "must be object (or null), found string"),
        (#"{"patch": "x", "description": {"a": 1}}"#, "description", "must be string (or null), found object"),
        (#"{"patch": "x", "id": 7}"#, "id", "must be string (or null), found number"),
        (#"{"patch": "x", "branch": true}"#, "branch", "must be string (or null), found boolean"),
    ])
    func wrongTypesNameTheFieldAndTypes(json: String, field: String, message: String) throws {
        let error = try #require(rejection(json))
        #expect(error.code == .wrongType)
        #expect(error.field == field)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func aFileWithoutPatchIsARestartRequestAndAnEmptyPatchIsRejected() throws {
        let request = try parse(#"{"repo": "app", "description": "restart only"}"#)
        #expect(request.kind == .restartRequest)
        #expect(request.restart)
        #expect(request.patch.isEmpty)
        #expect(try parse(#"{"repo": "app", "patch": null}"#).kind == .restartRequest)
        #expect(try parse(#"{"patch": "x"}"#).kind == .patch)
        #expect(rejection(#"{"repo": "app", "restart": false}"#)?.code == .missingField, "nothing to do")
        #expect(rejection(#"{"repo": "app", "patch": ""}"#)?.code == .emptyPatch)
        #expect(rejection(#"{"repo": "app", "patch": " \n\t "}"#)?.code == .emptyPatch)
    }

    @Test(arguments: ["../x", "x; rm -rf /", "-x", "a/b", ".hidden", "x..y", "", "x\u{0}y", "name.lock", "é"])
    func badRepositoryNames(name: String) throws {
        let json = try String(decoding: JSONEncoder().encode(["repo": name, "patch": "x"]), as: UTF8.self)
        let error = try #require(rejection(json))
        #expect(error.code == .invalidRepositoryName)
        #expect(error.field == "repo")
    }

    @Test func goodRepositoryNames() {
        for name in ["app", "my-service_2", "Api.v2", "x"] {
            #expect(FeedbackNames.isValidRepositoryName(name), "\(name)")
        }
    }

    @Test func badValues() throws {
        #expect(rejection(#"{"patch": "x", "version": 2}"#)?.code == .unsupportedVersion)
        #expect(rejection(#"{"patch": "x", "branch": "../main"}"#)?.code == .invalidValue)
        #expect(rejection(#"{"patch": "x", "branch": "-f"}"#)?.code == .invalidValue)
        #expect(rejection(#"{"patch": "x", "base": "HEAD~1"}"#)?.code == .invalidValue)
        #expect(rejection(#"{"patch": "x", "id": "a b"}"#)?.code == .invalidValue)
        #expect(rejection(#"{"patch": "x", "id": "a\nFeedback-Id: b"}"#)?.code == .invalidValue)
    }

    @Test func malformedJSON() throws {
        for text in [#"{"repo": "app", "patch": "x""#, "", "[1, 2]", #""just a string""#, "{'repo': 1}", "null"] {
            #expect(rejection(text)?.code == .malformedJSON, "\(text)")
        }
    }

    @Test func nonUTF8IsRejectedWithOffset() throws {
        var data = Data(#"{"repo": "app", "patch": "caf"#.utf8)
        data.append(contentsOf: [0xE9, 0x22, 0x7D])
        #expect(throws: FeedbackError.self) { try FeedbackDocument.parse(data) }
        do {
            _ = try FeedbackDocument.parse(data)
        } catch {
            #expect(error.code == .notUTF8)
            #expect(error.message.contains("offset 29"), "\(error.message)")
        }
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data(#"{"patch": "x"}"#.utf8)
        #expect(try FeedbackDocument.parse(data).patch == "x")
    }

    @Test func oversizedFileIsRefusedBeforeReading() throws {
        let scratch = try TemporaryFolder()
        let url = scratch.url.appendingPathComponent("big.json")
        // A sparse file: 64 MiB long, but nothing written, so reading it would be the only cost.
        #expect(FileManager.default.createFile(atPath: url.path, contents: Data(#"{"patch":"#.utf8)))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 64 << 20)
        try handle.close()
        do {
            _ = try FeedbackDocument.load(contentsOf: url, maxBytes: 1 << 20)
            Issue.record("a 64 MiB file was accepted")
        } catch {
            #expect(error.code == .fileTooLarge)
            #expect(error.message.contains("67108864"))
        }
    }

    @Test func symlinkedFileIsNotFollowed() throws {
        let scratch = try TemporaryFolder()
        let secret = scratch.url.appendingPathComponent("secret")
        try Data("top secret".utf8).write(to: secret)
        let link = scratch.url.appendingPathComponent("link.json")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: secret)
        #expect(throws: FeedbackError(.notRegularFile, "'link.json' is not a regular file")) {
            try FeedbackDocument.load(contentsOf: link, maxBytes: 1 << 20)
        }
    }

    /// SHA-256 of "a" repeated n times, from Python's hashlib (padding edge cases at 55, 56 and 64 bytes).
    static let sha256OfA: [Int: String] = [
        55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
        56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
        64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        1000: "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3",
    ]

    @Test func sha256KnownVectors() {
        #expect(
            FeedbackDocument.derivedID(repository: nil, branch: nil, patch: "")
                == FeedbackDocument.derivedID(repository: "", branch: "", patch: ""))
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for length in [55, 56, 64, 1_000] {
            #expect(SHA256.hex([UInt8](repeating: 0x61, count: length)) == Self.sha256OfA[length])
        }
    }
}
