import DeployCore
@testable import DeployMCP
import MCP
import Testing

/// A tool call's arguments as an attacker may send them: wrong types, extra names, huge numbers.
@Suite struct ToolArgumentsTests {
    func refusal(_ body: () throws(AgentToolError) -> Void) -> String {
        do {
            try body()
            return "no refusal"
        } catch {
            return error.description
        }
    }

    @Test func argumentsAreReadByNameAndType() throws {
        let arguments = try ToolArguments(
            tool: "read_log", values: ["repository": "app", "tail": 20, "grep": .null], accepted: ["repository", "tail", "grep"])
        #expect(try arguments.string("repository") == "app")
        #expect(try arguments.optionalInteger("tail") == 20)
        #expect(try arguments.optionalString("grep") == nil, "null is absent")
        let number = try ToolArguments(tool: "t", values: ["n": .double(5), "w": .double(2.5), "b": true], accepted: ["n", "w", "b"])
        #expect(try number.optionalInteger("n") == 5, "5.0 is a whole number")
        #expect(try number.optionalNumber("w") == 2.5)
        #expect(try number.optionalBool("b") == true)
    }

    @Test func aMistypedMissingOrUnknownArgumentIsRefusedWithWhatWasFound() throws {
        #expect(refusal { () throws(AgentToolError) in
            _ = try ToolArguments(tool: "read_log", values: ["repo": "app", "lines": 3], accepted: ["repository", "tail"])
        } == "read_log takes no argument 'lines', 'repo'; it takes: repository, tail")
        let arguments = try ToolArguments(
            tool: "read_file", values: ["start_line": .double(1.5), "tail": .double(1e300), "path": ["a"], "flag": "yes"],
            accepted: ["start_line", "tail", "path", "flag", "repository"])
        #expect(refusal { () throws(AgentToolError) in _ = try arguments.optionalInteger("start_line") }
            == "read_file: 'start_line' must be a whole number, found a number")
        let huge = refusal { () throws(AgentToolError) in _ = try arguments.optionalInteger("tail") }
        #expect(huge.contains("must be a whole number"))
        #expect(refusal { () throws(AgentToolError) in _ = try arguments.string("path") }
            == "read_file: 'path' must be a string, found an array")
        #expect(refusal { () throws(AgentToolError) in _ = try arguments.optionalBool("flag") }
            == "read_file: 'flag' must be true or false, found a string")
        #expect(refusal { () throws(AgentToolError) in _ = try arguments.string("repository") }
            == "read_file needs the argument 'repository' (a string)")
    }

    @Test func everyListedToolHasItsArgumentsAndEveryRequiredOneIsAccepted() {
        let tools = AgentToolCatalog.tools
        #expect(Set(tools.map(\.name)) == Set(AgentToolCatalog.arguments.keys))
        for tool in tools {
            let schema = tool.inputSchema.objectValue ?? [:]
            let properties = Set((schema["properties"]?.objectValue ?? [:]).keys)
            #expect(properties == AgentToolCatalog.arguments[tool.name], "\(tool.name)")
            let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(Set(required).isSubset(of: properties), "\(tool.name)")
        }
    }
}
