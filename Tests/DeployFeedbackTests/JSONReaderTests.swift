import DeployFeedback
import Foundation
import Testing

@Suite("Strict JSON reader")
struct JSONReaderTests {
    private func parse(_ text: String) throws(FeedbackError) -> JSONValue {
        try JSONValue(parsing: Array(text.utf8))
    }

    /// The error for `text`, which must be refused.
    private func refusal(_ bytes: [UInt8]) -> FeedbackError? {
        do {
            let value = try JSONValue(parsing: bytes)
            Issue.record("accepted: \(value)")
            return nil
        } catch {
            #expect(error.code == .malformedJSON)
            return error
        }
    }

    private func refusal(_ text: String) -> FeedbackError? { refusal(Array(text.utf8)) }

    @Test func readsEveryKindOfValue() throws {
        let value = try parse(
            #" {"s": "a\"b\\c\/\n\t\u00e9\ud83d\ude00", "n": -12.5e1, "z": 0, "t": true, "f": false, "x": null, "a": [1, [], {}]} "#
        )
        #expect(
            value
                == .object([
                    "s": .string("a\"b\\c/\n\té😀"), "n": .number(-125), "z": .number(0), "t": .bool(true),
                    "f": .bool(false), "x": .null, "a": .array([.number(1), .array([]), .object([:])]),
                ]))
        #expect(try parse("\"just a string\"") == .string("just a string"), "a top-level scalar is a value")
        #expect(try parse(#""café""#) == .string("café"))
        #expect(try JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array("[]".utf8)) == .array([]), "a byte-order mark")
    }

    @Test func aKeyGivenTwiceIsRefusedWithItsPathAndPosition() throws {
        let top = try #require(refusal("{\"repo\": \"a\",\n  \"repo\": \"b\"}"))
        #expect(top.message == "line 2, column 3: the key 'repo' appears twice in the top-level object")
        #expect(top.field == "repo")
        let nested = try #require(refusal(#"{"list": [{"name": 1}, {"name": 1, "name": 2}]}"#))
        #expect(nested.message.hasSuffix("the key 'name' appears twice in list[1]"), "\(nested.message)")
        #expect(nested.field == "list[1].name")
        #expect(try parse(#"{"a": {"k": 1}, "b": {"k": 1}}"#) != .null, "the same key in two objects is fine")
    }

    @Test func nestingDeeperThanTheLimitIsRefusedWithoutACrash() throws {
        let limit = JSONValue.maximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try parse(deepest) }
        for depth in [limit + 1, 100_000] {
            let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let error = try #require(refusal(text))
            #expect(error.message.contains("nest deeper than \(limit) levels"), "\(error.message)")
        }
        let objects = String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(refusal(objects)?.message.contains("nest deeper") == true)
    }

    @Test func numbersADoubleCannotHoldAndNonJSONNumbersAreRefused() throws {
        #expect(refusal("1e400")?.message == "line 1, column 1: the number 1e400 is too large")
        #expect(refusal("[-1" + String(repeating: "9", count: 400) + "]")?.message.contains("too large") == true)
        #expect(try parse("123456789012345678901234567890") == .number(123456789012345678901234567890.0))
        for text in ["01", "-", "1.", ".5", "+1", "1e", "NaN", "Infinity", "-Infinity", "0x10", "1_000"] {
            #expect(refusal(text) != nil, "\(text)")
        }
    }

    @Test func invalidUTF8IsRefusedWherever() throws {
        let cases: [[UInt8]] = [
            Array(#"{"a": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8),  // Latin-1
            Array(#"[""#.utf8) + [0xC0, 0xAF] + Array(#""]"#.utf8),  // overlong '/'
            Array(#"[""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]"#.utf8),  // an encoded surrogate
            Array(#"[""#.utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(#""]"#.utf8),  // past U+10FFFF
            Array(#"[""#.utf8) + [0xE2, 0x82] + Array(#""]"#.utf8),  // cut short
        ]
        for bytes in cases {
            let error = try #require(refusal(bytes), "\(bytes)")
            #expect(error.message.contains("UTF-8"), "\(error.message)")
        }
        #expect(refusal([0xFF, 0xFE] + Array("{}".utf8))?.message.contains("byte 0xff") == true, "UTF-16's mark")
        #expect(refusal(#"["\udc00"]"#)?.message.contains("lone UTF-16 surrogate") == true)
        #expect(refusal(#"["\ud83d x"]"#)?.message.contains("lone UTF-16 surrogate") == true)
    }

    @Test func trailingGarbageAndLooseSyntaxAreRefusedAtTheirPosition() throws {
        #expect(refusal(#"{"a": 1} x"#)?.message == "line 1, column 10: unexpected 'x' after the value")
        #expect(refusal("{}\n{}")?.message == "line 2, column 1: unexpected '{' after the value")
        #expect(refusal(#"{"é": 1,}"#)?.message.hasPrefix("line 1, column 9:") == true, "columns count characters")
        let loose = [
            "", " ", "{", "[1,]", "{'a': 1}", "{a: 1}", #"{"a" 1}"#, "[1 2]", "tru", "nul", "// c\n{}",
            "[\"tab\there\"]", #"["\x41"]"#, #"["\u12"]"#, "\u{0}{}",
        ]
        for text in loose {
            #expect(refusal(text) != nil, "\(text.debugDescription)")
        }
        #expect(refusal(#"{"a": "open"#)?.message == "line 1, column 7: the text ends inside a string")
    }

    @Test func typedFieldsGiveTheValueNilOrTheCallersError() throws {
        struct Mismatch: Error { let found: String }
        let fields: [String: JSONValue] = [
            "name": .string("api"), "count": .number(3), "half": .number(1.5), "flag": .bool(true), "none": .null,
            "list": .array([.string("a"), .string("b")]), "mixed": .array([.string("a"), .number(1)]),
        ]
        func read<Value>(_ key: String, _ type: JSONFieldType<Value>) throws(Mismatch) -> Value? {
            try fields.field(key, as: type) { Mismatch(found: $0.typePhrase) }
        }
        #expect(try read("name", .string) == "api")
        #expect(try read("count", .integer) == 3)
        #expect(try read("flag", .boolean) == true)
        #expect(try read("list", .strings) == ["a", "b"])
        #expect(try read("none", .string) == nil, "null is absent")
        #expect(try read("missing", .boolean) == nil)
        #expect(throws: Mismatch.self) { try read("half", .integer) }
        #expect(throws: Mismatch.self) { try read("count", .boolean) }
        do {
            _ = try read("mixed", .strings)
            Issue.record("an array holding a number was read as strings")
        } catch {
            #expect(error.found == "an array")
        }
        #expect(JSONFieldType<[String]>.strings.phrase == "an array of strings")
        #expect(fields.firstUnknownKey(allowed: ["name", "count", "half", "flag", "none", "list"]) == "mixed")
    }

    @Test func feedbackFilesReportTheReadersPosition() throws {
        do {
            _ = try FeedbackDocument.parse(Data("{\"patch\": \"x\",\n\"patch\": \"y\"}".utf8))
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.code == .malformedJSON)
            #expect(
                error.message
                    == "the file is not valid JSON: line 2, column 1: the key 'patch' appears twice in the top-level object")
            #expect(error.field == "patch")
        }
    }
}
