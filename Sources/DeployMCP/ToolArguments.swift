import DeployCore
import MCP

/// A tool call's arguments, read by name and type; a missing or mistyped one is an ``AgentToolError`` naming the
/// argument, what was found and what is accepted. Arguments the tool does not take are refused too, so a misspelt
/// `wait_seconds` is not silently ignored.
struct ToolArguments {
    let tool: String
    let values: [String: Value]

    init(tool: String, values: [String: Value]?, accepted: Set<String>) throws(AgentToolError) {
        self.tool = tool
        self.values = values ?? [:]
        let unknown = self.values.keys.filter { !accepted.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw AgentToolError(
                "\(tool) takes no argument \(unknown.map { "'\($0.prefix(64))'" }.joined(separator: ", ")); "
                    + "it takes: \(accepted.sorted().joined(separator: ", "))")
        }
    }

    func string(_ name: String) throws(AgentToolError) -> String {
        guard let value = try optionalString(name) else {
            throw AgentToolError("\(tool) needs the argument '\(name)' (a string)")
        }
        return value
    }

    func optionalString(_ name: String) throws(AgentToolError) -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw mistyped(name, other, expected: "a string")
        }
    }

    func optionalInteger(_ name: String) throws(AgentToolError) -> Int? {
        switch values[name] {
        case nil, .null?: return nil
        case .int(let number)?: return number
        case .double(let number)? where number.rounded() == number && abs(number) < 1e15: return Int(number)
        case let other?: throw mistyped(name, other, expected: "a whole number")
        }
    }

    func optionalNumber(_ name: String) throws(AgentToolError) -> Double? {
        switch values[name] {
        case nil, .null?: return nil
        case .int(let number)?: return Double(number)
        case .double(let number)? where number.isFinite: return number
        case let other?: throw mistyped(name, other, expected: "a number")
        }
    }

    func optionalBool(_ name: String) throws(AgentToolError) -> Bool? {
        switch values[name] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case let other?: throw mistyped(name, other, expected: "true or false")
        }
    }

    private func mistyped(_ name: String, _ value: Value, expected: String) -> AgentToolError {
        let found: String
        switch value {
        case .null: found = "null"
        case .bool: found = "a boolean"
        case .int, .double: found = "a number"
        case .string: found = "a string"
        case .data: found = "a data URL"
        case .array: found = "an array"
        case .object: found = "an object"
        }
        return AgentToolError("\(tool): '\(name)' must be \(expected), found \(found)")
    }
}
