import DeployCore
import Testing

@Suite struct EnvironmentFileTests {
    @Test func acceptsEveryDocumentedForm() throws {
        let text = """
            # deployctl settings
            DISPATCHER_INTERVAL=30

            export SWIFTPM_NUM_JOBS=4
            GIT_USER_NAME="Deploy Bot"   # trailing comment
            GIT_USER_EMAIL='bot@example.com'
            OPENAI_API_BASE=http://127.0.0.1:8080/v1 # comment after an unquoted value
            QUOTED="a \\"b\\" \\\\ c"
            EMPTY=
            HASH_IN_VALUE=abc#def\r
            """
        let file = try EnvironmentFile(contents: text, path: "dispatcher.env")
        let values = file.values.mapValues(\.value)
        #expect(values["DISPATCHER_INTERVAL"] == "30")
        #expect(values["SWIFTPM_NUM_JOBS"] == "4")
        #expect(values["GIT_USER_NAME"] == "Deploy Bot")
        #expect(values["GIT_USER_EMAIL"] == "bot@example.com")
        #expect(values["OPENAI_API_BASE"] == "http://127.0.0.1:8080/v1")
        #expect(values["QUOTED"] == #"a "b" \ c"#)
        #expect(values["EMPTY"] == "")
        #expect(values["HASH_IN_VALUE"] == "abc#def")
        #expect(file.values["SWIFTPM_NUM_JOBS"]?.line == 4)
    }

    @Test func theLastDuplicateWins() throws {
        let file = try EnvironmentFile(contents: "A=1\nA=2\n", path: "f")
        #expect(file.values["A"]?.value == "2")
        #expect(file.values["A"]?.line == 2)
    }

    @Test(arguments: [
        ("JUST_A_WORD", 1, "a line without '='"),
        ("A=1\n=value", 2, "a key with characters other than letters, digits and '_'"),
        ("MY-KEY=1", 1, "a key with characters other than letters, digits and '_'"),
        ("1KEY=1", 1, "a key with characters other than letters, digits and '_'"),
        ("A=\"unterminated", 1, "an unterminated \" quote"),
        ("A='x' trailing", 1, "text after the closing quote"),
    ])
    func malformedLinesAreErrorsWithFileAndLine(text: String, line: Int, found: String) {
        #expect {
            try EnvironmentFile(contents: text, path: "root/dispatcher.env")
        } throws: { error in
            let error = error as! DispatcherError
            return error.code == .malformedFile && error.location == "root/dispatcher.env:\(line)" && error.found == found
        }
    }

    @Test func aMalformedLineNeverEchoesItsValue() {
        #expect {
            try EnvironmentFile(contents: "GITHUB_TOKEN ghp_abcdef123456", path: "f")
        } throws: { error in
            !"\(error)".contains("ghp_abcdef123456")
        }
    }
}
